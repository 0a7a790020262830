import FTDModel
import FTDTrainingFile
import Foundation
import Testing

/// One rule each: every broken example is reported with its own message, and every valid
/// shape the API takes passes.
@Suite struct TrainingExampleRulesTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var json: String
        var expected: [String]
        var testDescription: String { json }

        init(_ json: String, _ expected: String...) {
            self.json = json
            self.expected = expected
        }
    }

    static let user = #"{"role": "user", "content": "Hi"}"#
    static let assistant = #"{"role": "assistant", "content": "Hello"}"#

    static func example(_ messages: String...) -> String {
        #"{"messages": ["# + messages.joined(separator: ", ") + "]}"
    }

    @Test(arguments: [
        Case(#"{"prompt": "a", "completion": "b"}"#, #""prompt"/"completion" is the legacy format"#),
        Case(#"{"message": []}"#, #"unknown key "message""#, #"missing "messages""#),
        Case(#"{"messages": "hi"}"#, #""messages" must be an array of messages, not a string"#),
        Case(#"{"messages": []}"#, #""messages" is empty"#),
        Case(example(user), "no assistant message"),
        Case(example(#"{"role": "bot", "content": "x"}"#, assistant), #"message 1: unknown role "bot""#),
        Case(example(#"{"content": "x"}"#, assistant), #"message 1: missing "role""#),
        Case(example(#"{"role": 1, "content": "x"}"#, assistant), #"message 1: "role" must be a string"#),
        Case(example(user, #"{"role": "assistant"}"#), #"message 2 (assistant): missing "content""#),
        Case(
            example(#"{"role": "user", "content": null}"#, assistant), #"message 1 (user): "content" is null"#
        ),
        Case(
            example(user, #"{"role": "assistant", "content": null}"#),
            #"message 2 (assistant): "content" is null"#),
        Case(
            example(#"{"role": "user", "content": ""}"#, assistant), #"message 1 (user): "content" is empty"#),
        Case(example(#"{"role": "user", "content": 42}"#, assistant), "not a number"),
        Case(example(#"{"role": "user", "content": {"text": "x"}}"#, assistant), "not an object"),
        Case(
            example(#"{"role": "user", "content": [{"type": "text"}]}"#, assistant),
            #"content part 1: "text" must be a string"#),
        Case(
            example(#"{"role": "user", "content": [{"text": "x"}]}"#, assistant), "content part 1: expected"),
        Case(
            example(#"{"role": "user", "content": [{"type": "audio", "text": "x"}]}"#, assistant),
            #"type "audio" is not allowed"#),
        Case(
            example(
                #"{"role": "system", "content": [{"type": "image_url", "image_url": {"url": "u"}}]}"#, user,
                assistant), #"type "image_url" is not allowed"#),
        Case(
            example(user, #"{"role": "assistant", "content": "x", "weight": 2}"#),
            #""weight" must be 0 or 1, not 2"#),
        Case(example(user, #"{"role": "assistant", "content": "x", "weight": 0.5}"#), #"not 0.5"#),
        Case(example(user, #"{"role": "assistant", "content": "x", "weight": "1"}"#), #"not "1""#),
        Case(
            example(#"{"role": "user", "content": "x", "weight": 1}"#, assistant),
            #"message 1 (user): "weight" is only allowed on assistant messages"#),
        Case(
            #"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "meta": 1}"#,
            #"unknown key "meta""#),
        Case(
            example(user, #"{"role": "assistant", "content": "x", "thought": "y"}"#),
            #"message 2 (assistant): unknown key "thought""#),
        Case(example(#""hi""#, assistant), "message 1 is a string, not an object"),
    ])
    func reportsEachBrokenRule(_ example: Case) throws {
        let value = try JSONValue.parse(Data(example.json.utf8))
        let problems = TrainingExampleRules.problems(in: value)
        #expect(problems.count == example.expected.count, "\(problems)")
        for (problem, expected) in zip(problems, example.expected) {
            #expect(problem.contains(expected), "\(problem)")
        }
    }

    @Test(arguments: [
        example(user, assistant),
        example(#"{"role": "system", "content": "S"}"#, user, assistant),
        example(#"{"role": "developer", "content": "D"}"#, user, assistant),
        example(
            user, #"{"role": "assistant", "content": "a", "weight": 0}"#, user,
            #"{"role": "assistant", "content": "b", "weight": 1}"#),
        example(user, #"{"role": "assistant", "content": [{"type": "text", "text": "x"}]}"#),
        example(
            #"{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}"#,
            assistant),
        example(
            user,
            #"{"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}"#,
            #"{"role": "tool", "tool_call_id": "c1", "content": "42"}"#, assistant),
        example(
            user, #"{"role": "assistant", "function_call": {"name": "f", "arguments": "{}"}}"#,
            #"{"role": "function", "name": "f", "content": "42"}"#, assistant),
        example(user, #"{"role": "assistant", "content": "x", "name": "elle", "refusal": null}"#),
        #"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "tools": [], "parallel_tool_calls": false, "functions": []}"#,
    ])
    func acceptsWhatTheAPIAccepts(_ json: String) throws {
        let value = try JSONValue.parse(Data(json.utf8))
        #expect(TrainingExampleRules.problems(in: value) == [])
    }
}
