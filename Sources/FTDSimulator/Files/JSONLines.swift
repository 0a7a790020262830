/// The lines of a JSONL file as the fine-tuning API reads them: blank lines are skipped,
/// every other line is one JSON value.
enum JSONLines {
    struct Line: Sendable {
        /// 1-based, counting blank lines too, so that it matches what an editor shows.
        let number: Int
        let bytes: ArraySlice<UInt8>

        var json: SimJSON? { SimJSON.parse(Array(bytes)) }
    }

    /// The non-blank lines of `content`.
    static func lines(of content: [UInt8]) -> [Line] {
        content.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
            .filter { _, bytes in bytes.contains { !isBlank($0) } }
            .map { Line(number: $0.offset + 1, bytes: $0.element) }
    }

    /// The number of the first non-blank line that is not a JSON object; nil when there is none.
    static func firstLineNotAnObject(in content: [UInt8]) -> Int? {
        lines(of: content).first { line in
            guard case .object? = line.json else { return true }
            return false
        }?.number
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }
}
