/// The configured fault rules and what is left of each: a request takes the first rule
/// that matches it and still has hits; a rule with none left is dropped.
struct FaultInjector: Sendable {
    private(set) var rules: [FaultRule] = []

    init(rules: [FaultRule] = []) {
        self.rules = rules.filter { $0.count > 0 }
    }

    mutating func add(_ rule: FaultRule) {
        guard rule.count > 0 else { return }
        rules.append(rule)
    }

    mutating func clear() {
        rules.removeAll()
    }

    /// The fault for the request `pathAndQuery`, using up one hit of its rule.
    mutating func take(for pathAndQuery: String) -> FaultRule.Kind? {
        guard let index = rules.firstIndex(where: { $0.matches(pathAndQuery) }) else { return nil }
        let kind = rules[index].kind
        if rules[index].count != .max {
            rules[index].count -= 1
        }
        if rules[index].count <= 0 {
            rules.remove(at: index)
        }
        return kind
    }
}
