/// A JSON value whose object keys keep the order they were given in, so `ftd history
/// --json` prints its keys in the order SPEC section 6 shows and every absent value as an
/// explicit `null` (Foundation's encoder sorts or scrambles keys and drops nil optionals).
public indirect enum OrderedJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    public static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool {
        lhs.rendered(pretty: false) == rhs.rendered(pretty: false)
    }

    /// Compact (one line) or pretty-printed with two-space indentation.
    public func rendered(pretty: Bool = true) -> String {
        var output = ""
        write(to: &output, pretty: pretty, indent: 0)
        return output
    }

    private func write(to output: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value): output += Self.number(value)
        case .string(let value): Self.quote(value, into: &output)
        case .array(let items):
            writeContainer(
                items, open: "[", close: "]", to: &output, pretty: pretty, indent: indent
            ) { item, output in
                item.write(to: &output, pretty: pretty, indent: indent + 1)
            }
        case .object(let members):
            writeContainer(
                members, open: "{", close: "}", to: &output, pretty: pretty, indent: indent
            ) { member, output in
                Self.quote(member.0, into: &output)
                output += pretty ? ": " : ":"
                member.1.write(to: &output, pretty: pretty, indent: indent + 1)
            }
        }
    }

    private func writeContainer<Element>(
        _ elements: [Element], open: String, close: String, to output: inout String, pretty: Bool,
        indent: Int, writeElement: (Element, inout String) -> Void
    ) {
        output += open
        guard !elements.isEmpty else {
            output += close
            return
        }
        let inner = pretty ? "\n" + String(repeating: "  ", count: indent + 1) : ""
        for (index, element) in elements.enumerated() {
            output += (index == 0 ? "" : ",") + inner
            writeElement(element, &output)
        }
        output += pretty ? "\n" + String(repeating: "  ", count: indent) : ""
        output += close
    }

    /// Swift's shortest round-trip form (`0.0012`, `5.731426301549693e-05`) is valid JSON;
    /// JSON has no NaN or infinity, so those become null.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return "\(value)"
    }

    private static func quote(_ string: String, into output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

extension OrderedJSON {
    /// A parsed JSON tree; its object keys are sorted, as `JSONValue.encoded()` stores them.
    public init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .int(value)
        case .double(let value): self = .double(value)
        case .string(let value): self = .string(value)
        case .array(let items): self = .array(items.map(OrderedJSON.init))
        case .object(let members):
            self = .object(members.sorted { $0.key < $1.key }.map { ($0.key, OrderedJSON($0.value)) })
        }
    }

    package static func optional(_ value: String?) -> OrderedJSON { value.map(OrderedJSON.string) ?? .null }
    package static func optional(_ value: Int64?) -> OrderedJSON { value.map(OrderedJSON.int) ?? .null }
    package static func optional(_ value: Int?) -> OrderedJSON { value.map { .int(Int64($0)) } ?? .null }
    package static func optional(_ value: Double?) -> OrderedJSON { value.map(OrderedJSON.double) ?? .null }
}
