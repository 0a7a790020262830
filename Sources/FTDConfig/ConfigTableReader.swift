import Foundation

/// Reads the keys of one TOML table, each error naming the full key path.
struct ConfigTableReader {
    /// `api`, `hooks.notify`, `hooks[1]`, or "" for the document root.
    let path: String
    let fields: [String: ConfigNode]

    /// Rejects any key not in `allowed`, in sorted order so the error is stable.
    init(path: String, node: ConfigNode, allowed: [String]) throws(ConfigurationError) {
        guard case .table(let fields) = node else {
            throw .invalid(path, "expected a table, got \(node.typeName)")
        }
        try self.init(path: path, fields: fields, allowed: allowed)
    }

    init(path: String, fields: [String: ConfigNode], allowed: [String]) throws(ConfigurationError) {
        self.path = path
        self.fields = fields
        for key in fields.keys.sorted() where !allowed.contains(key) {
            let kind = if case .table = fields[key] { "unknown table" } else { "unknown key" }
            throw .invalid(keyPath(key), "\(kind) (known keys: \(allowed.joined(separator: ", ")))")
        }
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func node(_ key: String) -> ConfigNode? { fields[key] }

    func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let node = fields[key] else { return nil }
        guard case .string(let value) = node else {
            throw .invalid(keyPath(key), "expected a string, got \(node.typeName)")
        }
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalid(keyPath(key), "expected a non-empty string")
        }
        return value
    }

    func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let node = fields[key] else { return nil }
        guard case .boolean(let value) = node else {
            throw .invalid(keyPath(key), "expected true or false, got \(node.typeName)")
        }
        return value
    }

    /// Any number (integer or float) above zero.
    func positiveNumber(_ key: String, expected: String) throws(ConfigurationError) -> Double? {
        try number(key, expected: expected) { $0 > 0 }
    }

    /// Any finite number (integer or float) that `accepts` takes.
    func number(_ key: String, expected: String, accepts: (Double) -> Bool) throws(ConfigurationError)
        -> Double?
    {
        guard let node = fields[key] else { return nil }
        let value: Double
        switch node {
        case .integer(let number): value = Double(number)
        case .float(let number): value = number
        default: throw .invalid(keyPath(key), "\(expected), got \(node.typeName)")
        }
        guard value.isFinite, accepts(value) else { throw .invalid(keyPath(key), expected) }
        return value
    }

    /// A whole number ≥ `minimum` (`30.0` counts as whole; `30.5` does not).
    func wholeNumber(_ key: String, minimum: Int, expected: String) throws(ConfigurationError) -> Int? {
        guard let node = fields[key] else { return nil }
        let value: Int
        switch node {
        case .integer(let number): value = number
        case .float(let number)
        where number.isFinite && number == number.rounded() && abs(number) < 1e15:
            value = Int(number)
        default:
            throw .invalid(keyPath(key), expected + (node.isNumber ? "" : ", got \(node.typeName)"))
        }
        guard value >= minimum else { throw .invalid(keyPath(key), expected) }
        return value
    }

    /// A non-empty array of non-empty strings.
    func stringArray(_ key: String, expected: String) throws(ConfigurationError) -> [String]? {
        guard let node = fields[key] else { return nil }
        guard case .array(let elements) = node, !elements.isEmpty else {
            throw .invalid(keyPath(key), expected)
        }
        var strings: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let value) = element else {
                throw .invalid("\(keyPath(key))[\(index)]", "expected a string, got \(element.typeName)")
            }
            guard !value.isEmpty else {
                throw .invalid("\(keyPath(key))[\(index)]", "expected a non-empty string")
            }
            strings.append(value)
        }
        return strings
    }
}

extension ConfigNode {
    var isNumber: Bool {
        switch self {
        case .integer, .float: true
        default: false
        }
    }
}
