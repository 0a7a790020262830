extension FaultRule {
    /// Reads a fault from the command-line form `KIND[:OPTION=VALUE]...`:
    /// KIND is an HTTP status (`429`, `500`), `delay=SECONDS`, `malformed`, `truncated` or
    /// `wrong-shape`; options are `count=N|always`, `path=TEXT`, `retry-after=S`,
    /// `retry-after-ms=MS` and `should-retry=true|false`.
    public static func parse(_ spec: String) throws -> FaultRule {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let head = parts.first?.lowercased(), !head.isEmpty else {
            throw FaultSpecError(spec: spec, reason: "it is empty")
        }
        var options: [String: String] = [:]
        for part in parts.dropFirst() {
            guard let equals = part.firstIndex(of: "=") else {
                throw FaultSpecError(spec: spec, reason: "'\(part)' is not OPTION=VALUE")
            }
            options[part[..<equals].lowercased()] = String(part[part.index(after: equals)...])
        }
        let known: Set<String> = ["count", "path", "retry-after", "retry-after-ms", "should-retry"]
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            throw FaultSpecError(spec: spec, reason: "unknown option '\(unknown)'")
        }
        let kind = try parseKind(head, options: options, spec: spec)
        return FaultRule(
            kind: kind, pathContains: options["path"], count: try parseCount(options["count"], spec: spec))
    }

    private static func parseKind(_ head: String, options: [String: String], spec: String) throws -> Kind {
        if let status = Int(head) {
            guard (400...599).contains(status) else {
                throw FaultSpecError(
                    spec: spec, reason: "status \(status) is not an HTTP error status (400-599)")
            }
            var shouldRetry: Bool?
            if let text = options["should-retry"] {
                guard let value = Bool(text) else {
                    throw FaultSpecError(spec: spec, reason: "should-retry must be true or false")
                }
                shouldRetry = value
            }
            return .status(
                status, retryAfter: options["retry-after"], retryAfterMs: options["retry-after-ms"],
                shouldRetry: shouldRetry)
        }
        if head.hasPrefix("delay=") {
            guard let seconds = Double(head.dropFirst("delay=".count)), seconds >= 0 else {
                throw FaultSpecError(spec: spec, reason: "delay must be a number of seconds")
            }
            return .delay(seconds)
        }
        switch head {
        case "malformed", "malformed-body": return .malformedBody
        case "truncated", "truncated-body": return .truncatedBody
        case "wrong-shape", "wrongshape", "wrong_shape": return .wrongShape
        default: throw FaultSpecError(spec: spec, reason: "unknown fault kind '\(head)'")
        }
    }

    private static func parseCount(_ text: String?, spec: String) throws -> Int {
        guard let text else { return 1 }
        if text.lowercased() == "always" { return .max }
        guard let count = Int(text), count >= 1 else {
            throw FaultSpecError(spec: spec, reason: "count must be a whole number >= 1 or 'always'")
        }
        return count
    }
}
