import FTDTerminal
import Testing

@Suite struct ColorPolicyTests {
    struct Case: Sendable {
        var isTTY: Bool
        var environment: [String: String]
        var color: Bool
    }

    @Test(arguments: [
        Case(isTTY: true, environment: [:], color: true),
        Case(isTTY: false, environment: [:], color: false),
        Case(isTTY: true, environment: ["NO_COLOR": "1"], color: false),
        Case(isTTY: true, environment: ["NO_COLOR": ""], color: true),  // empty means unset
        Case(isTTY: true, environment: ["TERM": "dumb"], color: false),
        Case(isTTY: true, environment: ["TERM": "xterm-256color"], color: true),
    ])
    func colourOnlyOnATerminalAndNeverWithNoColor(_ example: Case) {
        #expect(
            ColorPolicy.allowsColor(isTTY: example.isTTY, environment: example.environment) == example.color)
    }
}
