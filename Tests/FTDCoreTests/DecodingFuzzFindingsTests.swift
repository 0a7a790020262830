import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel

/// What decoder fuzzing (`DecoderFuzzTests`) found, each fixed and pinned here.
@Suite struct DecodingFuzzFindingsTests {
    /// Foundation's `JSONDecoder`, which `JSONValue.parse` used, stopped the process
    /// (SIGILL in `JSONError.SourceLocation`) on a body whose 513th nested `[` was its last
    /// byte: one cut-off answer took the daemon down. `JSONParser` rejects it with a message.
    @Test(arguments: ["", #"{"data":"#, #"{"id":"ftjob-1","status":"running","x":"#])
    func cutOffBodyNestedTooDeepIsRejected(prefix: String) {
        let brackets = JSONParser.maximumDepth + (prefix.isEmpty ? 1 : 0)
        let body = Data((prefix + String(repeating: "[", count: brackets)).utf8)
        let error = #expect(throws: APIDecodingError.self) { try FineTuningJob(body: body) }
        let offset = prefix.utf8.count + brackets - 1
        #expect(error?.message.contains("more than 512 nested arrays and objects at byte \(offset)") == true)
        #expect(throws: APIDecodingError.self) { try ListPage.events(body: body, jobID: "ftjob-1") }
        #expect(APIErrorEnvelope(body: body) == nil)
    }

    /// The limit is `JSONDecoder`'s: 512 levels parse, 513 do not.
    @Test func nestingLimitIsJSONDecoders() throws {
        func nested(_ depth: Int) -> Data {
            Data((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        }
        _ = try JSONValue.parse(nested(512))
        let error = #expect(throws: APIDecodingError.self) { try JSONValue.parse(nested(513)) }
        #expect(error?.message == "more than 512 nested arrays and objects at byte 512")
    }

    /// `JSONDecoder` also stopped the process on valid numbers it could not read back as a
    /// `Decimal`, such as 10^18 written as `1`, 200 zeros and `e-182`.
    @Test func numberWithManyDigitsIsRead() throws {
        let number = "1" + String(repeating: "0", count: 200) + "e-182"
        let body = #"{"id":"ftjob-1","status":"running","trained_tokens":\#(number)}"#
        let job = try FineTuningJob(body: Data(body.utf8))
        #expect(job.trainedTokens == 1_000_000_000_000_000_000)
    }

    /// Decoding `JSONValue` through `Codable` took time quadratic in the nesting depth: 100
    /// jobs each carrying a value nested 500 deep (a 100 KB page) took minutes; now
    /// milliseconds. No timing assertion: a regression shows as a test that does not end.
    @Test func deeplyNestedValuesDecodeInLinearTime() throws {
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let jobs = (0..<100).map { #"{"id":"ftjob-\#($0)","status":"running","metadata":\#(deep)}"# }
        let page = try ListPage.jobs(body: Data((#"{"data":["# + jobs.joined(separator: ",") + "]}").utf8))
        #expect(page.data.map(\.id) == (0..<100).map { "ftjob-\($0)" })
    }

    /// An error body with an empty or blank message made an `APIError` whose message was
    /// empty: a log line and a terminal showing nothing.
    @Test(arguments: [
        #"{"error":{"message":""}}"#, #"{"error":{"message":"  ","code":null}}"#, #"{"error":""}"#,
        #"{"error":" \n"}"#,
    ])
    func blankErrorMessageCountsAsNone(body: String) {
        #expect(APIErrorEnvelope(body: Data(body.utf8)) == nil)
        #expect(
            OpenAIClient.errorMessage(status: 500, body: Data(body.utf8))
                == "the answer carried no error message")
    }

    @Test func blankErrorMessageFallsBackToTheCode() {
        let body = Data(#"{"error":{"message":"","code":"rate_limit_exceeded"}}"#.utf8)
        #expect(OpenAIClient.errorMessage(status: 429, body: body) == "rate_limit_exceeded")
    }

    /// The preview of a body that is not JSON went to logs and terminals with its control
    /// characters (an escape sequence clears a screen).
    @Test func previewOfABodyHidesControlCharacters() {
        let error = #expect(throws: APIDecodingError.self) {
            try FineTuningJob(body: Data("\u{1B}[2J<html>\u{7}".utf8))
        }
        let message = error?.message ?? ""
        #expect(message.hasPrefix("the body is not JSON (11 bytes: \"\u{FFFD}[2J<html>\u{FFFD}\"): "))
        #expect(!message.unicodeScalars.contains { $0.properties.generalCategory == .control })
    }

    /// A result file behind a UTF-8 byte order mark (as spreadsheet programs save a CSV)
    /// read as no rows at all.
    @Test func resultFileWithByteOrderMark() throws {
        let plain = try Fixtures.data("result-file.csv")
        let marked = Data([0xEF, 0xBB, 0xBF]) + plain
        let steps = ResultFileParser.steps(jobID: "ftjob-1", data: marked)
        #expect(steps.count == 5)
        #expect(steps == ResultFileParser.steps(jobID: "ftjob-1", data: plain))
        #expect(ResultFileParser.steps(jobID: "ftjob-1", data: marked.base64EncodedData()) == steps)
    }

    struct ParityCase: Sendable, CustomTestStringConvertible {
        let text: String
        /// nil: rejected.
        let value: JSONValue?
        var testDescription: String { text.debugDescription }
    }

    /// `JSONParser` reads what `JSONDecoder` read, as it read it (the fuzzing compares the
    /// two on every input where Foundation is safe to call); these are the quirks.
    static let parityCases: [ParityCase] = [
        ParityCase(text: "[1,]", value: .array([.int(1)])),
        ParityCase(text: #"{"a":1,}"#, value: .object(["a": .int(1)])),
        ParityCase(text: #"{"a":1,"a":2}"#, value: .object(["a": .int(1)])),
        ParityCase(text: "\u{FEFF}{}", value: .object([:])),
        ParityCase(text: "12.0", value: .int(12)),
        ParityCase(text: "1e2", value: .int(100)),
        ParityCase(text: "-0.0", value: .int(0)),
        ParityCase(text: "1e-400", value: .int(0)),
        ParityCase(text: "0.5", value: .double(0.5)),
        ParityCase(text: "9223372036854775808", value: .double(9_223_372_036_854_775_808)),
        ParityCase(text: #""\u0000\ud83d\ude00""#, value: .string("\u{0}\u{1F600}")),
        ParityCase(text: #""\ud800""#, value: nil),
        ParityCase(text: "\"a\tb\"", value: nil),
        ParityCase(text: "1e400", value: nil),
        ParityCase(text: "NaN", value: nil),
        ParityCase(text: "01", value: nil),
        ParityCase(text: "[1,,2]", value: nil),
        ParityCase(text: "{} {}", value: nil),
    ]

    @Test(arguments: parityCases)
    func parserKeepsJSONDecodersReading(_ parity: ParityCase) {
        #expect((try? JSONValue.parse(Data(parity.text.utf8))) == parity.value)
    }
}
