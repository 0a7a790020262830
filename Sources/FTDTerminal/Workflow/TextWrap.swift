/// Word wrapping for terminal columns: words are kept whole unless one alone is wider
/// than the column; line breaks in the text are kept.
enum TextWrap {
    static func lines(_ text: String, width: Int) -> [String] {
        let width = max(width, 1)
        var result: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = Substring(word)
                while word.count > width {
                    if !line.isEmpty {
                        result.append(line)
                        line = ""
                    }
                    result.append(String(word.prefix(width)))
                    word = word.dropFirst(width)
                }
                if word.isEmpty { continue }
                if line.isEmpty {
                    line = String(word)
                } else if line.count + 1 + word.count <= width {
                    line += " " + word
                } else {
                    result.append(line)
                    line = String(word)
                }
            }
            result.append(line)
        }
        return result
    }
}
