import Foundation

/// The dashboard's bearer token, read from `http.token_file` at start.
public enum HTTPToken {
    public static func read(_ path: String) throws(ConfigurationError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalid(
                "http.token_file",
                "cannot read \(path): create it (e.g. openssl rand -hex 32 > \(path)) and make it readable by ftd"
            )
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw .invalid(
                "http.token_file",
                "\(path) must hold one token of at least 16 characters, no spaces (e.g. openssl rand -hex 32)"
            )
        }
        return token
    }
}
