import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A multipart body as AsyncHTTPClient pulls it: the headers from memory, a file part a
/// chunk at a time from disk, so memory stays at a few chunks whatever the file's size.
/// Each iteration opens the files anew: a retried upload sends the same bytes again.
public struct MultipartBodyStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    public static let defaultChunkSize = 256 * 1024

    let segments: [MultipartForm.Content]
    let chunkSize: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(pending: segments[...], chunkSize: chunkSize)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var pending: ArraySlice<MultipartForm.Content>
        let chunkSize: Int
        var reader: FileChunkReader?

        public mutating func next() async throws -> ByteBuffer? {
            while true {
                if let reader {
                    if let chunk = try reader.next() { return chunk }
                    self.reader = nil
                }
                switch pending.popFirst() {
                case nil:
                    return nil
                case .bytes(let data)?:
                    if !data.isEmpty { return ByteBuffer(data: data) }
                case .file(let path, let size)?:
                    reader = try FileChunkReader(path: path, size: size, chunkSize: chunkSize)
                }
            }
        }
    }
}

/// Why a streamed upload stopped on the local side.
public struct UploadFileError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Reads exactly `size` bytes of a file in chunks; the descriptor closes with the reader.
final class FileChunkReader {
    private let descriptor: Int32
    private let path: String
    private var remaining: Int64
    private let chunkSize: Int

    init(path: String, size: Int64, chunkSize: Int) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw UploadFileError(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.path = path
        self.remaining = size
        self.chunkSize = max(chunkSize, 1)
    }

    deinit { close(descriptor) }

    /// The next chunk; nil once `size` bytes were read. A file that changed length since
    /// its size was taken fails the upload rather than sending something else.
    func next() throws -> ByteBuffer? {
        guard remaining > 0 else {
            var probe: UInt8 = 0
            if try readSome(into: &probe, count: 1) > 0 { throw changed() }
            return nil
        }
        let wanted = Int(min(Int64(chunkSize), remaining))
        var buffer = ByteBufferAllocator().buffer(capacity: wanted)
        let count = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { raw in
            try readSome(into: raw.baseAddress!, count: wanted)
        }
        guard count > 0 else { throw changed() }
        remaining -= Int64(count)
        return buffer
    }

    private func readSome(into pointer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        while true {
            let count = read(descriptor, pointer, count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw UploadFileError(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func changed() -> UploadFileError {
        UploadFileError(
            description: "\(path) changed while it was uploaded: upload it again once it is complete")
    }
}
