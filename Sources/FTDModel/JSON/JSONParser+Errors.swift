/// How the parser words what is wrong, and where.
extension JSONParser {
    func endOfText(_ context: String) -> APIDecodingError {
        APIDecodingError("the text ends at byte \(bytes.count) \(context)")
    }

    func unexpected(_ byte: UInt8, _ context: String, at offset: Int? = nil) -> APIDecodingError {
        let shown =
            (0x21...0x7E).contains(byte)
            ? "character '\(Character(Unicode.Scalar(byte)))'" : "byte \(Self.hex(byte))"
        return Self.failure("unexpected \(shown) \(context)", at: offset ?? index)
    }

    static func failure(_ problem: String, at offset: Int) -> APIDecodingError {
        APIDecodingError("\(problem) at byte \(offset)")
    }

    static func hex(_ byte: UInt8) -> String {
        "0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }
}
