/// The colour of a status in a terminal: what needs attention stands out.
enum StatusStyle {
    static func paint(_ text: String, status: String, color: Bool) -> String {
        guard color, let code = code(for: status) else { return text }
        return "\u{1B}[\(code)m" + text + "\u{1B}[0m"
    }

    /// The SGR code of `status`'s colour; nil for a status drawn plain.
    static func code(for status: String) -> String? { sgr(for: status).map { String($0) } }

    /// `code(for:)` as a number, for a table that keeps one per row.
    static func sgr(for status: String) -> UInt8? {
        switch status {
        case "succeeded": return 32
        case "failed": return 31
        case "running", "queued", "validating_files", "pending": return 33
        case "cancelled": return 2
        default: return nil
        }
    }
}
