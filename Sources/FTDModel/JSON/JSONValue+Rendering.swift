/// The JSON ftd prints (`--json`, SPEC section 6): keys in the order they were built,
/// every absent value an explicit `null` (Foundation's encoder sorts or scrambles keys and
/// drops nil optionals). Storage uses the compact, sorted `encoded()` instead.
extension JSONValue {
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
                members.elements, open: "{", close: "}", to: &output, pretty: pretty, indent: indent
            ) { member, output in
                Self.quote(member.key, into: &output)
                output += pretty ? ": " : ":"
                member.value.write(to: &output, pretty: pretty, indent: indent + 1)
            }
        }
    }

    private func writeContainer<Elements: Collection>(
        _ elements: Elements, open: String, close: String, to output: inout String, pretty: Bool,
        indent: Int, writeElement: (Elements.Element, inout String) -> Void
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

    /// The same value with every object's keys sorted, as `encoded()` stores them: a value
    /// parsed from the API keeps the API's order otherwise.
    public func sortingKeys() -> JSONValue {
        switch self {
        case .array(let items): return .array(items.map { $0.sortingKeys() })
        case .object(let members):
            var sorted = JSONObject(minimumCapacity: members.count)
            for key in members.keys.sorted() { sorted[key] = members[key]?.sortingKeys() }
            return .object(sorted)
        default: return self
        }
    }

    public static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    public static func optional(_ value: Int64?) -> JSONValue { value.map(JSONValue.int) ?? .null }
    public static func optional(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
    public static func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
}
