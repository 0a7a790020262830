/// A file the simulator serves: an upload, or a job's result file.
struct StoredFile: Sendable {
    let id: String
    let filename: String
    let purpose: String
    let createdAt: Int64
    let content: [UInt8]

    /// Chat-format training data holds one example per non-empty line.
    var exampleCount: Int {
        content.split(separator: UInt8(ascii: "\n")).filter { line in
            line.contains {
                !($0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t"))
            }
        }.count
    }
}
