import Foundation

/// Reads a file line by line in fixed-size chunks, so that a training file of hundreds of
/// megabytes never sits in memory whole.
struct TrainingFileLineReader: ~Copyable {
    static let chunkSize = 1 << 16

    let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    /// Opens `path` for reading; a directory, a missing or an unreadable file is an error.
    init(path: String) throws(TrainingFileError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.error(path, errno) }
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw TrainingFileError(path: path, reason: "it is a directory, not a file")
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The next line without its newline; `nil` at the end of the file. A final newline
    /// ends the last line rather than starting an empty one.
    mutating func nextLine() throws(TrainingFileError) -> [UInt8]? {
        // Where the search for the newline goes on: a long line is scanned once, not once
        // per chunk.
        var searched = start
        while true {
            if let newline = buffer[searched...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
            searched = buffer.count - start
            try fill()
        }
    }

    private mutating func fill() throws(TrainingFileError) {
        buffer.removeFirst(start)
        start = 0
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.chunkSize))
        let descriptor = descriptor
        var count: Int
        repeat {
            count = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress! + old, Self.chunkSize)
            }
        } while count < 0 && errno == EINTR
        guard count >= 0 else {
            buffer.removeLast(Self.chunkSize)
            throw Self.error(path, errno)
        }
        buffer.removeLast(Self.chunkSize - count)
        if count == 0 { atEnd = true }
    }

    private static func error(_ path: String, _ code: Int32) -> TrainingFileError {
        TrainingFileError(path: path, reason: String(cString: strerror(code)))
    }
}
