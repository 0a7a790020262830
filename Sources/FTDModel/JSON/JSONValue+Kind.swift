extension JSONValue {
    /// What a value is, as a message names it: "an array", "a string", "null", …
    package var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "true/false"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
