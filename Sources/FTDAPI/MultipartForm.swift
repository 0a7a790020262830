import Foundation

/// A `multipart/form-data` body (RFC 7578): text fields, then files, each a part. A file
/// part can name a file on disk instead of holding its bytes: the body is then streamed
/// from the file (`MultipartBodyStream`), so a 512 MB upload never sits in memory.
public struct MultipartForm: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var content: Content
    }

    public enum Content: Sendable, Equatable {
        case bytes(Data)
        /// A file's first `size` bytes, read when the body is sent (each attempt anew).
        case file(path: String, size: Int64)

        var count: Int64 {
            switch self {
            case .bytes(let data): Int64(data.count)
            case .file(_, let size): size
            }
        }
    }

    /// Random, so that no file's content can contain it by chance.
    public let boundary: String
    public private(set) var parts: [Part] = []

    public init(boundary: String = "ftd-" + UUID().uuidString) {
        self.boundary = boundary
    }

    public mutating func add(field name: String, value: String) {
        parts.append(Part(name: name, filename: nil, contentType: nil, content: .bytes(Data(value.utf8))))
    }

    public mutating func add(file name: String, filename: String, contentType: String, content: Data) {
        parts.append(Part(name: name, filename: filename, contentType: contentType, content: .bytes(content)))
    }

    /// A file part read from `path` when the body is sent; `size` is the file's length
    /// now, and the upload fails if the file is not that long when it is read.
    public mutating func add(
        file name: String, filename: String, contentType: String, path: String, size: Int64
    ) {
        parts.append(
            Part(
                name: name, filename: filename, contentType: contentType,
                content: .file(path: path, size: size)))
    }

    /// The body in pieces, in order: the parts' headers and separators as bytes, each
    /// part's content as it was given.
    var segments: [Content] {
        var segments: [Content] = []
        var pending = ""
        for part in parts {
            pending += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quoted(part.name))\""
            if let filename = part.filename { pending += "; filename=\"\(Self.quoted(filename))\"" }
            pending += "\r\n"
            if let contentType = part.contentType { pending += "Content-Type: \(contentType)\r\n" }
            segments.append(.bytes(Data((pending + "\r\n").utf8)))
            segments.append(part.content)
            pending = "\r\n"
        }
        segments.append(.bytes(Data((pending + "--\(boundary)--\r\n").utf8)))
        return segments
    }

    /// The length of the whole body: sent as `Content-Length`.
    public var contentLength: Int64 { segments.reduce(0) { $0 + $1.count } }

    /// The body streamed from memory and disk, a chunk at a time.
    public func stream(chunkSize: Int = MultipartBodyStream.defaultChunkSize) -> MultipartBodyStream {
        MultipartBodyStream(segments: segments, chunkSize: chunkSize)
    }

    /// The whole body in memory, for a form whose parts all hold their bytes.
    public func encoded() -> Data {
        var body = Data()
        for segment in segments {
            guard case .bytes(let data) = segment else {
                preconditionFailure("encoded() of a form with a file part: stream() it")
            }
            body.append(data)
        }
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
