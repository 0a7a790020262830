/// A file the simulator serves: an upload, or a job's result file.
struct StoredFile: Sendable {
    let id: String
    let filename: String
    let purpose: String
    let createdAt: Int64
    let content: [UInt8]
    /// Simulated time from which the file reads `processed`; before it, `uploaded`.
    let processedAt: Double

    /// `uploaded` until processing is over, then `processed`, as `GET /files/{id}` shows it.
    func status(at now: Double) -> String {
        now >= processedAt ? "processed" : "uploaded"
    }

    /// Chat-format training data holds one example per non-blank line.
    var exampleCount: Int {
        JSONLines.lines(of: content).count
    }
}
