import Foundation

/// The parts of a `multipart/form-data` body (RFC 7578), enough for `POST /files`.
struct MultipartForm: Sendable, Equatable {
    struct Part: Sendable, Equatable {
        let name: String
        let filename: String?
        let content: [UInt8]
    }

    let parts: [Part]

    func part(named name: String) -> Part? {
        parts.first { $0.name == name }
    }

    /// The boundary of a `Content-Type: multipart/form-data; boundary=...` header.
    static func boundary(fromContentType contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces)
            guard pair.lowercased().hasPrefix("boundary=") else { continue }
            var value = pair.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = value.dropFirst().dropLast()
            }
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    /// Parses `body`; `nil` when it is not multipart data with this boundary.
    init?(body: [UInt8], boundary: String) {
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var searchFrom = 0
        while let found = Self.find(delimiter, in: body, from: searchFrom) {
            positions.append(found)
            searchFrom = found + delimiter.count
        }
        guard positions.count >= 2 else { return nil }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            if body[partStart..<min(body.count, partStart + 2)].elementsEqual([13, 10]) { partStart += 2 }
            // The CRLF before the next delimiter belongs to the delimiter.
            var partEnd = end
            if partEnd >= 2, body[(partEnd - 2)..<partEnd].elementsEqual([13, 10]) { partEnd -= 2 }
            guard partStart <= partEnd, let part = Self.part(Array(body[partStart..<partEnd])) else {
                return nil
            }
            parts.append(part)
        }
        self.parts = parts
    }

    private static func part(_ bytes: [UInt8]) -> Part? {
        guard let headerEnd = find([13, 10, 13, 10], in: bytes, from: 0) else { return nil }
        let headerText = String(decoding: bytes[..<headerEnd], as: UTF8.self)
        var name: String?
        var filename: String?
        for line in headerText.split(separator: "\r\n")
        where line.lowercased().hasPrefix("content-disposition:") {
            for parameter in line.split(separator: ";").dropFirst() {
                let pair = parameter.trimmingCharacters(in: .whitespaces)
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let key = pair[..<equals].lowercased()
                var value = pair[pair.index(after: equals)...]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                    value = value.dropFirst().dropLast()
                }
                if key == "name" { name = String(value) }
                if key == "filename" { filename = String(value) }
            }
        }
        guard let name else { return nil }
        return Part(name: name, filename: filename, content: Array(bytes[(headerEnd + 4)...]))
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}
