import Foundation

/// A `multipart/form-data` body (RFC 7578): text fields, then files, each a part.
public struct MultipartForm: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var content: Data
    }

    /// Random, so that no file's content can contain it by chance.
    public let boundary: String
    public private(set) var parts: [Part] = []

    public init(boundary: String = "ftd-" + UUID().uuidString) {
        self.boundary = boundary
    }

    public mutating func add(field name: String, value: String) {
        parts.append(Part(name: name, filename: nil, contentType: nil, content: Data(value.utf8)))
    }

    public mutating func add(file name: String, filename: String, contentType: String, content: Data) {
        parts.append(Part(name: name, filename: filename, contentType: contentType, content: content))
    }

    public func encoded() -> Data {
        var body = Data()
        for part in parts {
            var header = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quoted(part.name))\""
            if let filename = part.filename { header += "; filename=\"\(Self.quoted(filename))\"" }
            header += "\r\n"
            if let contentType = part.contentType { header += "Content-Type: \(contentType)\r\n" }
            body.append(Data((header + "\r\n").utf8))
            body.append(part.content)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return body
    }

    /// A name or file name inside a quoted header parameter: a quote or a line break would
    /// end it early, so they are percent-encoded as browsers do (RFC 7578, 4.2).
    static func quoted(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\"": result += "%22"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.append(character)
            }
        }
        return result
    }
}
