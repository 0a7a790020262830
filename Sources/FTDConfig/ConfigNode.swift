import Foundation
import TOMLKit

/// A TOML document as plain values, so validation is pure and needs no C pointers.
indirect enum ConfigNode: Equatable {
    case table([String: ConfigNode])
    case array([ConfigNode])
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// Dates and times: valid TOML, but no ftd setting takes one.
    case dateOrTime

    /// The deepest nesting a document may have. No ftd setting is more than three tables
    /// deep; a dotted key 20,000 levels deep would otherwise overflow the stack while the
    /// document is converted, and a running daemon would die on SIGHUP.
    static let maxDepth = 32

    /// Where nesting went past `maxDepth`: the first keys of the path.
    struct TooDeep: Error {
        var path: [String]
    }

    init(_ value: any TOMLValueConvertible, path: [String] = []) throws(TooDeep) {
        guard path.count <= Self.maxDepth else { throw TooDeep(path: path) }
        switch value.type {
        case .table:
            var fields: [String: ConfigNode] = [:]
            if let table = value.table {
                for (key, child) in table { fields[key] = try ConfigNode(child, path: path + [key]) }
            }
            self = .table(fields)
        case .array:
            var items: [ConfigNode] = []
            for (index, item) in (value.array ?? []).enumerated() {
                items.append(try ConfigNode(item, path: path + ["[\(index)]"]))
            }
            self = .array(items)
        case .string: self = .string(value.string ?? "")
        case .int: self = .integer(value.int ?? 0)
        case .double: self = .float(value.double ?? 0)
        case .bool: self = .boolean(value.bool ?? false)
        case .date, .time, .dateTime: self = .dateOrTime
        }
    }

    /// Parses a TOML document; a syntax error names the file and the line.
    static func parse(toml text: String, path: String) throws(ConfigurationError) -> [String:
        ConfigNode]
    {
        let deepest = TOMLKeyDepth.deepestKey(in: text)
        if deepest.components > maxDepth {
            throw .file(
                path,
                "line \(deepest.line): a key of \(deepest.components) dotted parts, more than \(maxDepth); no ftd setting is nested more than 3 deep: check the keys and tables"
            )
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let position = error.source.begin
            throw .file(path, "line \(position.line), column \(position.column): \(error.description)")
        } catch {
            throw .file(path, "not valid TOML: \(error)")
        }
        do {
            guard case .table(let fields) = try ConfigNode(table) else { return [:] }
            return fields
        } catch {
            let shown = error.path.prefix(3).joined(separator: ".")
            throw .file(
                path,
                "\(shown)…: nested deeper than \(maxDepth) levels; no ftd setting is nested more than 3 deep: check the keys and tables"
            )
        }
    }

    /// The type in words, for "expected …, got …" messages.
    var typeName: String {
        switch self {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a floating-point number"
        case .boolean: "a boolean"
        case .dateOrTime: "a date or time"
        }
    }
}
