import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

enum BodyChecker {
    static let noMessage = "the answer carried no error message"

    struct Checked {
        /// Whether the decoder of the fixture's family accepted the body.
        var accepted: Bool
        var parsed: Result<JSONValue, APIDecodingError>
    }

    /// Feeds one body to the decoder of its family and to `secondary` (every decoder when
    /// nil) and records every broken invariant; compares the parser with Foundation's when
    /// `compare` is set, since that costs as much as all the rest.
    static func check(
        _ bytes: [UInt8], primary: DecoderFamily, context: String, report: inout FuzzReport,
        secondary: DecoderFamily? = nil, compare: Bool = true
    ) -> Checked {
        let body = Data(bytes)
        let parsed = Result { () throws(APIDecodingError) in try JSONValue.parse(body) }
        let tree = try? parsed.get()
        var parseError: String?
        if case .failure(let error) = parsed {
            parseError = error.message
            if let problem = messageProblem(error.message, namesAField: false) {
                report.record("JSONValue.parse: \(problem): \(error.message)", context)
            }
        }
        if compare, FoundationReference.isSafe(bytes) {
            let reference = try? JSONDecoder().decode(JSONValue.self, from: body)
            if reference != tree {
                report.record(
                    "JSONValue.parse gave \(describe(tree)) where JSONDecoder gave \(describe(reference))",
                    "\(context) [\(excerpt(bytes))]")
            }
        }
        var primaryAccepted = false
        for family in DecoderFamily.allCases
        where secondary == nil || family == primary || family == secondary {
            let accepted: Bool
            if family == .errorEnvelope {
                accepted = checkErrorEnvelope(body, tree: tree, context: context, report: &report)
            } else {
                accepted = checkDecoder(
                    family, body, tree: tree, parseError: parseError, context: "\(context) (\(family))",
                    report: &report)
            }
            if family == primary { primaryAccepted = accepted }
        }
        return Checked(accepted: primaryAccepted, parsed: parsed)
    }

    /// The rejection message of `family`'s decoder, nil when it accepts `body`. For an error
    /// envelope, the parse error that made `errorMessage` find none.
    static func rejection(by family: DecoderFamily, of body: Data) -> String? {
        guard family == .errorEnvelope else {
            do throws(APIDecodingError) {
                _ = try DecodedBody.decode(family, body)
                return nil
            } catch {
                return error.message
            }
        }
        guard OpenAIClient.errorMessage(status: 500, body: body) == noMessage else { return nil }
        do throws(APIDecodingError) {
            _ = try JSONValue.parse(body)
            return "the body is an error envelope without a message"
        } catch {
            return error.message
        }
    }

    private static func checkDecoder(
        _ family: DecoderFamily, _ body: Data, tree: JSONValue?, parseError: String?, context: String,
        report: inout FuzzReport
    ) -> Bool {
        do throws(APIDecodingError) {
            let decoded = try DecodedBody.decode(family, body)
            guard let tree else {
                report.record("accepted a body JSONValue.parse rejects", context)
                return true
            }
            if let expected = family.expectedRejection(of: tree) {
                report.record("accepted a body its contract rejects (\(expected))", context)
            }
            if let disagreement = decoded.disagreement(with: tree) { report.record(disagreement, context) }
            return true
        } catch {
            let message = error.message
            if let problem = messageProblem(message, namesAField: true) {
                report.record("\(problem): \(message)", context)
            }
            if let parseError {
                if !message.hasPrefix("the body is not JSON (") || !message.hasSuffix("): \(parseError)") {
                    report.record("a body that is not JSON was rejected as: \(message)", context)
                }
            } else if let tree {
                if let expected = family.expectedRejection(of: tree) {
                    if !message.contains(expected) {
                        report.record("the message should say \"\(expected)\": \(message)", context)
                    }
                } else {
                    report.record("rejected a body its contract accepts: \(message)", context)
                }
            }
            return false
        }
    }

    /// `errorMessage` never fails: it finds a message or says there is none.
    private static func checkErrorEnvelope(
        _ body: Data, tree: JSONValue?, context: String, report: inout FuzzReport
    ) -> Bool {
        let message = OpenAIClient.errorMessage(status: 500, body: body)
        let envelope = APIErrorEnvelope(body: body)
        if message.allSatisfy(\.isWhitespace) {
            report.record("errorMessage is blank", "\(context) (error envelope)")
        }
        if envelope == nil, message != noMessage {
            report.record(
                "no envelope, yet the message is \"\(message.prefix(80))\"", "\(context) (error envelope)")
        }
        if tree == nil, envelope != nil {
            report.record("an envelope from a body that is not JSON", "\(context) (error envelope)")
        }
        let sent = tree?["error"]?["message"]?.stringValue ?? tree?["error"]?.stringValue
        if let sent, !sent.allSatisfy(\.isWhitespace), !message.contains(sent) {
            report.record("the API's message is lost: \(message.prefix(80))", "\(context) (error envelope)")
        }
        // Whitespace around the message is the API's own, or the trace of an empty part.
        let sentTexts = [tree?["error"]?["message"], tree?["error"]?["code"], tree?["error"]]
            .compactMap { $0?.stringValue }
        let padded = sentTexts.contains { $0.trimmingCharacters(in: .whitespacesAndNewlines) != $0 }
        if !padded, message.trimmingCharacters(in: .whitespacesAndNewlines) != message {
            report.record(
                "the message has an empty part: \"\(message.prefix(80))\"", "\(context) (error envelope)")
        }
        return envelope != nil
    }

    /// What is wrong with a rejection message, or nil when it is fit for a log line.
    static func messageProblem(_ message: String, namesAField: Bool) -> String? {
        if message.allSatisfy(\.isWhitespace) { return "the message is blank" }
        if message.count > 400 { return "the message is \(message.count) characters long" }
        if message.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "the message holds control characters"
        }
        guard namesAField else {
            return message.contains(" at byte ") ? nil : "the message gives no position"
        }
        let namesIt =
            message.hasPrefix("the body is not JSON (") || message.contains("expected a")
            || namesAQuotedField(message)
        return namesIt ? nil : "the message names neither a field nor the problem"
    }

    /// Whether the message holds `field "name"` with a snake-case name.
    private static func namesAQuotedField(_ message: String) -> Bool {
        var rest = message[...]
        while let range = rest.range(of: "field \"") {
            rest = rest[range.upperBound...]
            let name = rest.prefix { $0.isLowercase || $0 == "_" }
            if !name.isEmpty, rest.dropFirst(name.count).first == "\"" { return true }
        }
        return false
    }

    /// The invariants a mutation itself implies: valid text parses (to the fixture's own
    /// tree when the mutation only rewrote it), invalid text does not, and what the
    /// mutation did not touch keeps the fixture's ids and error message.
    static func checkExpectations(
        _ mutated: MutatedBody, of fixture: FuzzFixture, parsed: Result<JSONValue, APIDecodingError>,
        context: String, report: inout FuzzReport
    ) {
        let body = Data(mutated.bytes)
        let tree = try? parsed.get()
        var parseError = ""
        if case .failure(let error) = parsed { parseError = error.message }
        switch mutated.parse {
        case .sameTree:
            if tree != fixture.tree {
                report.record("a rewrite changed the parsed tree: \(parseError)", context)
            }
        case .valid:
            if tree == nil { report.record("valid JSON was rejected: \(parseError)", context) }
        case .invalid(let phrase):
            if tree != nil {
                report.record("invalid JSON was accepted", "\(context) [\(excerpt(mutated.bytes))]")
            } else if let phrase, !parseError.contains(phrase) {
                report.record("the message should say \"\(phrase)\": \(parseError)", context)
            }
        case .unknown:
            break
        }
        guard let touched = mutated.touched, tree != nil else { return }
        func untouched(_ key: String) -> Bool { !touched.contains { $0.isEmpty || $0.first == key } }
        switch fixture.family {
        case .job where untouched("id"):
            if case .job(let job)? = try? DecodedBody.decode(.job, body),
                job.id != fixture.tree["id"]?.stringValue
            {
                report.record("the job id changed though the mutation left it alone", context)
            }
        case .jobList where untouched("data"), .eventList where untouched("data"),
            .checkpointList where untouched("data"):
            let after = try? DecodedBody.decode(fixture.family, body).ids
            if after != fixture.ids {
                report.record("the ids changed though the mutation left data alone", context)
            }
        case .errorEnvelope where untouched("error"):
            let after = OpenAIClient.errorMessage(status: 500, body: body)
            if after != fixture.errorMessage {
                report.record("the error message changed: \(after.prefix(80))", context)
            }
        default:
            break
        }
    }

    static func describe(_ value: JSONValue?) -> String {
        guard let value else { return "an error" }
        let text = String(decoding: value.encoded(), as: UTF8.self)
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }

    /// The first bytes of a body, printable.
    static func excerpt(_ bytes: [UInt8]) -> String {
        let shown = bytes.prefix(100).map { byte in
            (0x20...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }
        return shown.joined() + (bytes.count > 100 ? "… (\(bytes.count) bytes)" : "")
    }
}
