import FTDModel
import FTDTrainingFile
import Foundation
import Testing

@Suite struct TokenEstimateTests {
    @Test(arguments: [("", 0), ("a", 1), ("abcd", 1), ("abcde", 2), ("12345678", 2), ("é", 1), ("日本語の", 1)])
    func textIsAboutFourCharactersAToken(text: String, tokens: Int) {
        #expect(TokenEstimate.tokens(inText: text) == tokens)
    }

    struct ExampleCase: Sendable, CustomTestStringConvertible {
        var json: String
        var tokens: Int
        var testDescription: String { json }
    }

    @Test(arguments: [
        // 3 per example; per message 3, 1 for the role, the content's characters / 4.
        ExampleCase(
            json:
                #"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}"#,
            tokens: 3 + (3 + 1 + 1) + (3 + 1 + 2)),
        // A name costs its text and 1 more.
        ExampleCase(
            json: #"{"messages": [{"role": "assistant", "content": "abcd", "name": "elle"}]}"#,
            tokens: 3 + (3 + 1 + 1 + 1 + 1)),
        // Content parts: the texts; an image 85.
        ExampleCase(
            json:
                #"{"messages": [{"role": "user", "content": [{"type": "text", "text": "abcdefgh"}, {"type": "image_url", "image_url": {"url": "u"}}]}]}"#,
            tokens: 3 + (3 + 1 + 2 + 85)),
        // JSON values count as their compact text: {"a":1} is 7 characters.
        ExampleCase(
            json:
                #"{"messages": [{"role": "assistant", "content": null, "function_call": {"a": 1}}], "tools": {"a": 1}}"#,
            tokens: 3 + 2 + (3 + 1 + 2)),
        // What cannot be read counts nothing, but never traps.
        ExampleCase(json: #"{"messages": [7, {"content": 1}]}"#, tokens: 3 + 3 + 3),
        ExampleCase(json: #"[1, 2]"#, tokens: 3),
    ])
    func examplesAddTheCookbooksOverhead(_ example: ExampleCase) throws {
        let value = try JSONValue.parse(Data(example.json.utf8))
        #expect(TokenEstimate.tokens(inExample: value) == example.tokens)
    }

    @Test func statisticsCapEachExampleAtTheContextForBilling() {
        var statistics = TokenStatistics(contextLength: 10)
        #expect(statistics.mean == nil && statistics.minimum == nil)
        statistics.add(tokens: 4, line: 1)
        statistics.add(tokens: 12, line: 2)
        statistics.add(tokens: 20, line: 5)
        #expect(statistics.examples == 3)
        #expect(statistics.minimum == 4)
        #expect(statistics.maximum == 20)
        #expect(statistics.mean == 12)
        #expect(statistics.total == 36)
        #expect(statistics.billedPerEpoch == 4 + 10 + 10)
        #expect(statistics.overContext == 2)
        #expect(statistics.overContextLines == [2, 5])
    }

    @Test func anExampleAtTheContextIsNotOverIt() {
        var statistics = TokenStatistics(contextLength: 10)
        statistics.add(tokens: 10, line: 1)
        #expect(statistics.overContext == 0)
        #expect(statistics.billedPerEpoch == 10)
    }
}
