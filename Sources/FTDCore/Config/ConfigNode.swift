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

    init(_ value: any TOMLValueConvertible) {
        switch value.type {
        case .table:
            var fields: [String: ConfigNode] = [:]
            if let table = value.table {
                for (key, child) in table { fields[key] = ConfigNode(child) }
            }
            self = .table(fields)
        case .array:
            self = .array(value.array.map { $0.map(ConfigNode.init) } ?? [])
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
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let position = error.source.begin
            throw .file(path, "line \(position.line), column \(position.column): \(error.description)")
        } catch {
            throw .file(path, "not valid TOML: \(error)")
        }
        guard case .table(let fields) = ConfigNode(table) else { return [:] }
        return fields
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
