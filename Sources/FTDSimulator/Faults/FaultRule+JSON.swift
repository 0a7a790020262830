extension FaultRule {
    /// Reads the body of `POST /_sim/faults`: either `{"spec": "429:count=3"}` or
    /// `{"kind": "status"|"delay"|"malformed"|"truncated"|"wrong_shape", "status": 429,
    /// "retry_after": "2", "retry_after_ms": "1500", "should_retry": true, "seconds": 40,
    /// "path": "/events", "count": 3}`.
    static func parse(json: SimJSON) throws -> FaultRule {
        if let spec = json["spec"]?.stringValue {
            return try parse(spec)
        }
        let source = json.serialized
        guard let kindName = json["kind"]?.stringValue else {
            throw FaultSpecError(spec: source, reason: "the JSON needs \"spec\" or \"kind\"")
        }
        let kind: Kind
        switch kindName.lowercased() {
        case "status":
            guard let status = json["status"]?.intValue, (400...599).contains(status) else {
                throw FaultSpecError(
                    spec: source, reason: "\"status\" must be an HTTP error status (400-599)")
            }
            kind = .status(
                Int(status),
                retryAfter: Self.text(json["retry_after"]),
                retryAfterMs: Self.text(json["retry_after_ms"]),
                shouldRetry: json["should_retry"]?.boolValue
            )
        case "delay":
            guard let seconds = json["seconds"]?.doubleValue, seconds >= 0 else {
                throw FaultSpecError(spec: source, reason: "\"seconds\" must be a number of seconds")
            }
            kind = .delay(seconds)
        case "malformed", "malformed_body": kind = .malformedBody
        case "truncated", "truncated_body": kind = .truncatedBody
        case "wrong_shape", "wrong-shape": kind = .wrongShape
        default: throw FaultSpecError(spec: source, reason: "unknown fault kind '\(kindName)'")
        }
        var count = 1
        if let value = json["count"] {
            guard let number = value.intValue, number >= 1 else {
                throw FaultSpecError(spec: source, reason: "\"count\" must be a whole number >= 1")
            }
            count = Int(number)
        }
        return FaultRule(kind: kind, pathContains: json["path"]?.stringValue, count: count)
    }

    private static func text(_ value: SimJSON?) -> String? {
        switch value {
        case .string(let text)?: return text
        case .int(let number)?: return String(number)
        case .double(let number)?: return String(number)
        default: return nil
        }
    }
}
