import Foundation
import NIOCore
import Testing

@testable import FTDAPI

/// An upload streamed from disk sends the bytes an in-memory form sends, each time.
struct MultipartStreamTests {
    static func collect(_ stream: MultipartBodyStream) async throws -> Data {
        var body = Data()
        for try await chunk in stream { body.append(contentsOf: chunk.readableBytesView) }
        return body
    }

    static func file(_ content: Data) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ftd-multipart-\(UUID().uuidString).jsonl").path
        try content.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aFileStreamedFromDiskIsTheFormByteForByte() async throws {
        // Bytes that a careless reader could mangle: a NUL, 0xFF, CR LF, and more than one chunk.
        let content = Data([0x7B, 0x0A, 0x00, 0xFF, 0x0D, 0x0A] + Array("{\"ü\":1}\n".utf8))
        let path = try Self.file(content)
        defer { try? FileManager.default.removeItem(atPath: path) }

        var inMemory = MultipartForm(boundary: "B")
        inMemory.add(field: "purpose", value: "fine-tune")
        inMemory.add(file: "file", filename: "a\"b.jsonl", contentType: "application/jsonl", content: content)
        var streamed = MultipartForm(boundary: "B")
        streamed.add(field: "purpose", value: "fine-tune")
        streamed.add(
            file: "file", filename: "a\"b.jsonl", contentType: "application/jsonl", path: path,
            size: Int64(content.count))

        var expected = Data(
            "--B\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n".utf8)
        expected.append(
            Data(
                "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n"
                    .utf8))
        expected.append(content)
        expected.append(Data("\r\n--B--\r\n".utf8))

        #expect(inMemory.encoded() == expected)
        let stream = streamed.stream(chunkSize: 4)
        #expect(try await Self.collect(stream) == expected)
        #expect(streamed.contentLength == Int64(expected.count))
        // A retry iterates again: the file is read again from its start.
        #expect(try await Self.collect(stream) == expected)
    }

    @Test(arguments: [-3, 3])
    func aFileThatChangedLengthFailsTheUpload(change: Int) async throws {
        let path = try Self.file(Data(repeating: 0x41, count: 10))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var form = MultipartForm(boundary: "B")
        form.add(file: "file", filename: "t.jsonl", contentType: "application/jsonl", path: path, size: 10)
        try Data(repeating: 0x41, count: 10 + change).write(to: URL(fileURLWithPath: path))
        await #expect(throws: UploadFileError.self) { try await Self.collect(form.stream(chunkSize: 4)) }
    }

    @Test func aMissingFileFailsWithItsPath() async throws {
        var form = MultipartForm(boundary: "B")
        form.add(
            file: "file", filename: "t.jsonl", contentType: "application/jsonl", path: "/nonexistent/t",
            size: 1)
        await #expect {
            try await Self.collect(form.stream())
        } throws: { error in
            (error as? UploadFileError)?.description.hasPrefix("cannot read /nonexistent/t") == true
        }
    }
}
