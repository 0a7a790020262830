import Foundation
import Testing

@testable import FTDModel

@Suite struct DecodingMalformedTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let body: String
        /// A phrase the error message must contain: it names what was wrong.
        let names: String
        var testDescription: String { names }
    }

    static let jobCases: [Case] = [
        Case(body: "", names: "not JSON (0 bytes: empty)"),
        Case(body: "<html>Bad Gateway</html>", names: "not JSON"),
        Case(body: #"{"id":"ftjob-1","status":"runn"#, names: "not JSON"),
        Case(body: "[1,2]", names: "job: expected a JSON object, got an array"),
        Case(body: #"{"status":"queued"}"#, names: #""id" is missing"#),
        Case(body: #"{"id":"ftjob-1"}"#, names: #""status" is missing"#),
        Case(body: #"{"id":"ftjob-1","status":null}"#, names: #""status" is missing"#),
        Case(
            body: #"{"id":42,"status":"queued"}"#,
            names: #""id" must be a non-empty string, got a number"#),
        Case(body: #"{"id":"","status":"queued"}"#, names: #""id" must be a non-empty string"#),
    ]

    @Test(arguments: jobCases)
    func malformedJobNamesTheProblem(_ testCase: Case) {
        let error = #expect(throws: APIDecodingError.self) {
            try FineTuningJob(body: Data(testCase.body.utf8))
        }
        #expect(error?.message.contains(testCase.names) == true, "\(String(describing: error))")
    }

    static let eventListCases: [Case] = [
        Case(
            body: #"{"object":"list"}"#, names: #"list: the field "data" must be an array, it is missing"#
        ),
        Case(body: #"{"data":{}}"#, names: #""data" must be an array, got an object"#),
        Case(body: #""list""#, names: "expected a list object"),
        Case(
            body: #"{"data":[{"id":"e1","created_at":1,"message":"m"},{"id":"e2","message":"m"}]}"#,
            names: #"data[1]: event: the required field "created_at" is missing"#),
        Case(
            body: #"{"data":[{"id":"e1","created_at":"yesterday","message":"m"}]}"#,
            names: #"data[0]: event: the field "created_at" must be a whole number, got a string"#),
        Case(
            body: #"{"data":[{"id":"e1","created_at":1,"message":7}]}"#,
            names: #""message" must be a string, got a number"#),
        Case(body: #"{"data":[null]}"#, names: "data[0]: event: expected a JSON object, got null"),
    ]

    @Test(arguments: eventListCases)
    func malformedEventPageNamesTheProblem(_ testCase: Case) {
        let error = #expect(throws: APIDecodingError.self) {
            try ListPage.events(body: Data(testCase.body.utf8), jobID: "ftjob-1")
        }
        #expect(error?.message.contains(testCase.names) == true, "\(String(describing: error))")
    }

    @Test func checkpointWithoutIdIsRejected() {
        #expect(throws: APIDecodingError.self) {
            try ListPage.checkpoints(body: Data(#"{"data":[{"step_number":3}]}"#.utf8), jobID: "j")
        }
    }
}
