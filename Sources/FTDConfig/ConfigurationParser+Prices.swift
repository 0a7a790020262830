import Foundation

/// `[prices]` (SPEC section 10): model name = US dollars per 1M training tokens.
extension ConfigurationParser {
    static let priceExpected = "expected a price in US dollars per 1M training tokens, like 3.0"

    /// Every entry a number ≥ 0 under a non-empty model name. A name with a dot must be
    /// quoted: TOML reads `gpt-4.1-2025-04-14 = 25.0` as a table `gpt-4` holding a key
    /// `1-2025-04-14`, and the message says so rather than "expected a number".
    static func prices(_ node: ConfigNode) throws(ConfigurationError) -> [String: Double] {
        guard case .table(let fields) = node else {
            throw .invalid(
                "prices", "expected a table of model names and prices, like \"gpt-4o-mini-2024-07-18\" = 3.0")
        }
        let table = try ConfigTableReader(path: "prices", fields: fields, allowed: Array(fields.keys))
        var prices: [String: Double] = [:]
        for name in fields.keys.sorted() {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .invalid("prices", "a model name cannot be empty")
            }
            if case .table = fields[name] {
                throw .invalid(
                    table.keyPath(name),
                    "\(priceExpected); a model name with a dot must be quoted, like \"gpt-4.1-2025-04-14\" = 25.0"
                )
            }
            prices[name] = try table.number(name, expected: priceExpected) { $0 >= 0 }
        }
        return prices
    }
}
