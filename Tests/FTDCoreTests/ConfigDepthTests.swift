import Foundation
import Testing

@testable import FTDConfig

/// A configuration nested absurdly deep is a configuration error (exit 78), never a crash
/// of the process, nor of a running daemon on SIGHUP (issue 19, item 8).
@Suite("Deeply nested configurations")
struct ConfigDepthTests {
    static let loader = ConfigurationLoader(environment: ["HOME": "/h"], fileExists: { _ in false })

    static let deepDocuments: [String] = [
        "a" + String(repeating: ".a", count: 20_000) + " = 1",
        "[" + String(repeating: "a.", count: 200_000) + "a]",
        "[[" + String(repeating: "hooks.", count: 50) + "x]]",
        "x = {" + String(repeating: "a.a.a = {", count: 60) + String(repeating: "}", count: 61),
        "x = " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    ]

    @Test(arguments: deepDocuments.indices)
    func aDeepDocumentIsAConfigurationError(_ index: Int) {
        let error = #expect(throws: ConfigurationError.self) {
            try Self.loader.load(contents: Self.deepDocuments[index], path: "/etc/ftd/ftd.toml")
        }
        #expect(
            error?.description.hasPrefix("config: /etc/ftd/ftd.toml: ") == true,
            "\(String(describing: error))")
    }

    @Test func aDottedKeyOfTheDepthLimitIsStillRead() {
        // Read, and then refused for what it is: an unknown table, not a crash or a depth error.
        let key = Array(repeating: "a", count: ConfigNode.maxDepth).joined(separator: ".")
        let error = #expect(throws: ConfigurationError.self) {
            try Self.loader.load(contents: "\(key) = 1", path: "f.toml")
        }
        #expect(error?.description.contains("unknown table") == true, "\(String(describing: error))")
    }

    struct DepthCase: Sendable, CustomTestStringConvertible {
        var text: String
        var components: Int
        var line: Int
        var testDescription: String { text.debugDescription }
    }

    @Test(arguments: [
        DepthCase(text: "", components: 1, line: 1),
        DepthCase(text: "[api]\nbase_url = \"https://api.openai.com/v1.2.3.4.5\"", components: 1, line: 1),
        DepthCase(text: "hooks.notify.timeout = 1.5", components: 3, line: 1),
        DepthCase(text: "x = [1.0, 2.0, 3.0, 4.0, 5.0]", components: 2, line: 1),
        DepthCase(text: "# a.b.c.d.e.f\na = 1", components: 1, line: 1),
        DepthCase(text: "a = 'x.y.z'\n\"q.r\".s.t = 1", components: 3, line: 2),
        DepthCase(text: "a = \"\"\"\n.....\n\"\"\"\nb.c = 1", components: 2, line: 4),
        DepthCase(text: "a = '''it''s.a.b.c'''\nd = \"esc\\\".x.y\"", components: 1, line: 1),
        DepthCase(text: "t = 1979-05-27T07:32:00.999Z", components: 2, line: 1),
        DepthCase(text: "a = 1\n[x . y . z]", components: 3, line: 2),
    ])
    func keyDepthIgnoresStringsCommentsAndNumbers(_ example: DepthCase) {
        let deepest = TOMLKeyDepth.deepestKey(in: example.text)
        #expect(deepest.components == example.components)
        #expect(deepest.line == example.line)
    }
}
