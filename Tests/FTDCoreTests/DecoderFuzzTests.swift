import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

/// Decoder fuzzing (issue 5, item 6). The fixtures, mutated thousands of ways (fields
/// dropped, types changed, nulls, huge strings, deep nesting, invalid UTF-8, bad escapes,
/// control characters, numbers out of range, NaN-like tokens, duplicated keys, truncation
/// at every byte, random bytes), go through every decoder of API answers: `JSONValue.parse`,
/// `FineTuningJob(body:)`, `ListPage.jobs/events/checkpoints(body:)`, `APIErrorEnvelope` with
/// `OpenAIClient.errorMessage` and `ResultFileParser`.
///
/// No input may crash or hang a decoder. Each body is accepted, or rejected with an
/// `APIDecodingError` whose message names the field or the problem; and the outcome must be
/// the one the decoder's contract predicts from the parsed body (a job needs only a
/// non-empty `id` and `status`, an event `id`, `created_at` and `message`, …). The parser
/// itself is compared with Foundation's `JSONDecoder` wherever that is safe to call.
///
/// Deterministic: SplitMix64 over a fixed seed list. `FTD_FUZZ_CASES` sets the number of
/// random cases (default 2000), `FTD_FUZZ_SEED` runs one seed instead of the list and
/// `FTD_FUZZ_HUGE_BYTES` caps huge strings (default 16 KiB); `scripts/fuzz-decoders` runs
/// many more cases. A failure names its seed, case number and mutation. Each test prints a
/// `DecoderFuzz` line with its counts.
@Suite struct DecoderFuzzTests {
    @Test func unmutatedFixturesDecode() throws {
        let fixtures = try FuzzFixture.all()
        #expect(fixtures.count >= 12)
        var report = FuzzReport(name: "fixtures")
        for fixture in fixtures {
            let context = "fixture \(fixture.name)"
            let checked = BodyChecker.check(
                fixture.bytes, primary: fixture.family, context: context, report: &report)
            report.count(accepted: checked.accepted)
            if !checked.accepted { report.record("the unmutated fixture was rejected", context) }
            let rewritten = RawJSON(fixture.tree).bytes()
            if (try? JSONValue.parse(Data(rewritten))) != fixture.tree {
                report.record("the fixture does not survive the fuzzer's own serializer", context)
            }
        }
        report.finish(expectedCases: fixtures.count)
        #expect(report.accepted == fixtures.count)
    }

    /// Every proper prefix of every fixture is a cut-off answer: rejected as "not JSON",
    /// naming the end of the text; the whole text (less trailing whitespace) is accepted, as
    /// Foundation's parser accepts it. One decode per prefix: there are more than 11,000.
    @Test func truncationAtEveryByte() throws {
        let fixtures = try FuzzFixture.all()
        var report = FuzzReport(name: "truncation")
        var expected = 0
        for fixture in fixtures {
            let end = Self.endOfText(fixture.bytes)
            expected += fixture.bytes.count
            for cut in 0..<fixture.bytes.count {
                let prefix = Data(fixture.bytes[..<cut])
                let context = "\(fixture.name) cut at byte \(cut)"
                let message = BodyChecker.rejection(by: fixture.family, of: prefix)
                report.count(accepted: message == nil)
                if cut >= end, (try? JSONDecoder().decode(JSONValue.self, from: prefix)) != fixture.tree {
                    report.record("JSONDecoder reads the whole body differently", context)
                }
                switch (message, cut < end) {
                case (nil, true):
                    report.record("a cut-off body was accepted", context)
                case (nil, false):
                    if (try? JSONValue.parse(prefix)) != fixture.tree {
                        report.record("the body less its trailing whitespace parsed differently", context)
                    }
                case (let message?, false):
                    report.record("the whole body was rejected: \(message)", context)
                case (let message?, true):
                    // `errorMessage` never fails: its parse error is the message here.
                    let isEnvelope = fixture.family == .errorEnvelope
                    let named = message.hasPrefix("the body is not JSON (") || isEnvelope
                    if !named || !message.contains("the text ends at byte \(cut)") {
                        report.record("the message does not say where the text ends: \(message)", context)
                    } else if let problem = BodyChecker.messageProblem(message, namesAField: !isEnvelope) {
                        report.record(problem, context)
                    }
                }
            }
        }
        report.finish(expectedCases: expected)
        #expect(expected > 8_000)
    }

    /// Random mutations of random fixtures: besides the checks of every body (the contract,
    /// the message, agreement with the parsed tree and with Foundation), what the mutation
    /// implies: valid text parses, a mere rewrite parses to the fixture's own tree, invalid
    /// text is rejected naming its problem, and an untouched `id`, `data` or `error` keeps
    /// the fixture's job id, ids or error message.
    @Test func randomMutationsAreAcceptedOrExplained() throws {
        let settings = FuzzSettings.current
        let fixtures = try FuzzFixture.all()
        var report = FuzzReport(name: "mutations")
        let perSeed = settings.perSeed(settings.cases)
        for seed in settings.seeds {
            var random = SplitMix64(seed: seed)
            for number in 0..<perSeed {
                let fixture = random.pick(fixtures)
                let mutated = JSONMutator(hugeBytes: settings.hugeBytes).mutate(fixture, &random)
                let context = "seed \(seed) case \(number): \(fixture.name), \(mutated.kind)"
                // Every case goes through its own decoder and one other, in turn; the kinds
                // that probe the parser, and every fourth case, are compared with Foundation's.
                let checked = BodyChecker.check(
                    mutated.bytes, primary: fixture.family, context: context, report: &report,
                    secondary: DecoderFamily.allCases[number % DecoderFamily.allCases.count],
                    compare: mutated.probesParser || number % 4 == 0)
                report.count(accepted: checked.accepted)
                BodyChecker.checkExpectations(
                    mutated, of: fixture, parsed: checked.parsed, context: context, report: &report)
            }
        }
        report.finish(expectedCases: perSeed * settings.seeds.count)
        // Mutations that only a lenient decoder survives, and mutations no decoder may
        // accept: a generator yielding only one kind would prove nothing.
        #expect(report.accepted * 5 >= report.cases, "too few accepted: \(report.summary)")
        #expect(report.rejected * 5 >= report.cases, "too few rejected: \(report.summary)")
    }

    /// The result CSV cut at every byte (the rows before the cut read as before), and
    /// mutated: rows read independently of each other, columns are found by their header,
    /// base64 and a byte order mark change nothing; no value is ever infinite, NaN or -1.
    @Test func resultFileMutations() throws {
        let settings = FuzzSettings.current
        let plain = try Fixtures.data("result-file.csv")
        let encoded = try Fixtures.data("result-file.csv.b64")
        let baseline = ResultFileParser.steps(jobID: FuzzFixture.jobID, data: plain)
        #expect(baseline.count == 5)
        var lines = String(decoding: plain, as: UTF8.self).split(separator: "\n").map(String.init)
        let header = lines.removeFirst()
        var report = FuzzReport(name: "result file")
        var expected = 0
        for data in [plain, encoded] {
            expected += data.count + 1
            for cut in 0...data.count {
                let context = "result file (\(data == plain ? "plain" : "base64")) cut at byte \(cut)"
                let steps = ResultFileChecker.check(Data(data.prefix(cut)), context: context, report: &report)
                if !baseline.starts(with: steps.dropLast()) {
                    report.record("a cut-off file changed the rows before the cut", context)
                }
            }
        }
        let perSeed = settings.perSeed(max(settings.cases / 4, 1))
        expected += perSeed * settings.seeds.count
        for seed in settings.seeds {
            var random = SplitMix64(seed: seed ^ 0x0C57)
            for number in 0..<perSeed {
                let mutated = ResultFileMutator(hugeBytes: settings.hugeBytes)
                    .mutate(header: header, rows: lines, baseline: baseline, &random)
                let context = "seed \(seed) case \(number): result file, \(mutated.kind)"
                let steps = ResultFileChecker.check(mutated.data, context: context, report: &report)
                if let oracle = mutated.expected, steps != oracle {
                    report.record("read \(steps.count) steps where \(oracle.count) were expected", context)
                }
            }
        }
        report.finish(expectedCases: expected)
        #expect(report.accepted > 0 && report.rejected > 0, "\(report.summary)")
    }

    /// The length of a text without its trailing JSON whitespace.
    static func endOfText(_ bytes: [UInt8]) -> Int {
        let isWhitespace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        return bytes.lastIndex(where: { !isWhitespace($0) }).map { $0 + 1 } ?? 0
    }
}

// MARK: - Settings and randomness

/// SplitMix64 (Steele, Lea and Flood, 2014): a fixed algorithm, so a seed names the same
/// cases on every machine and toolchain, which neither the system generator nor the
/// standard library's `random(in:using:)` promises.
typealias SplitMix64 = SeededGenerator

extension SeededGenerator {
    /// A number in `0..<bound` (the modulo bias is far below anything a test could notice).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    mutating func percent(_ chance: Int) -> Bool { below(100) < chance }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}

struct FuzzSettings {
    static let defaultSeeds: [UInt64] = [1, 2, 3, 4_093, 1_592_389_645, 20_250_601]

    var cases = 2_000
    var seeds = defaultSeeds
    var hugeBytes = 16_384

    static var current: FuzzSettings {
        let environment = ProcessInfo.processInfo.environment
        var settings = FuzzSettings()
        if let cases = environment["FTD_FUZZ_CASES"].flatMap({ Int($0) }), cases > 0 {
            settings.cases = cases
        }
        if let seed = environment["FTD_FUZZ_SEED"].flatMap({ UInt64($0) }) { settings.seeds = [seed] }
        if let bytes = environment["FTD_FUZZ_HUGE_BYTES"].flatMap({ Int($0) }), bytes > 0 {
            settings.hugeBytes = bytes
        }
        return settings
    }

    /// Cases per seed for about `total` cases in all.
    func perSeed(_ total: Int) -> Int { max(1, (total + seeds.count - 1) / seeds.count) }
}

/// The counts of one test and the problems it found; `finish` prints the counts and turns
/// the problems into one test failure that shows the first few.
struct FuzzReport {
    let name: String
    var cases = 0
    var accepted = 0
    var rejected = 0
    private(set) var problemCount = 0
    private var problems: [String] = []

    init(name: String) { self.name = name }

    mutating func count(accepted wasAccepted: Bool) {
        cases += 1
        if wasAccepted { accepted += 1 } else { rejected += 1 }
    }

    mutating func record(_ problem: String, _ context: String) {
        problemCount += 1
        if problems.count < 12 { problems.append("\(context): \(problem)") }
    }

    var summary: String { "\(cases) cases, \(accepted) accepted, \(rejected) rejected" }

    func finish(expectedCases: Int) {
        print("DecoderFuzz \(name): \(summary), \(problemCount) problems")
        #expect(cases == expectedCases, "\(name): \(summary)")
        #expect(
            problemCount == 0,
            "\(name): \(problemCount) problems, the first:\n\(problems.joined(separator: "\n"))")
    }
}

// MARK: - Fixtures and their decoders

/// The decoder that reads a fixture, and its contract: what a body must hold to be accepted.
enum DecoderFamily: CaseIterable {
    case job, jobList, eventList, checkpointList, errorEnvelope

    init?(fixture name: String) {
        switch name {
        case "jobs-list.json": self = .jobList
        case "checkpoints-list.json": self = .checkpointList
        case _ where name.hasPrefix("job-"): self = .job
        case _ where name.hasPrefix("events-list-"): self = .eventList
        case _ where name.hasPrefix("error-"): self = .errorEnvelope
        default: return nil
        }
    }

    /// A field the decoder cannot work without, in the order it checks them.
    enum RequiredField {
        case nonEmptyString(String)
        case wholeNumber(String)
        case string(String)

        /// The phrase the rejection names when `fields` lack this field.
        func problem(in fields: JSONObject, what: String) -> String? {
            let key: String
            switch self {
            case .nonEmptyString(let name), .wholeNumber(let name), .string(let name): key = name
            }
            guard let value = fields[key], !value.isNull else {
                return "\(what): the required field \"\(key)\" is missing"
            }
            switch self {
            case .nonEmptyString:
                if value.stringValue?.isEmpty == false { return nil }
                return "\(what): the field \"\(key)\" must be a non-empty string, got \(value.typeName)"
            case .wholeNumber:
                if value.int64Value != nil { return nil }
                return "\(what): the field \"\(key)\" must be a whole number, got \(value.typeName)"
            case .string:
                if value.stringValue != nil { return nil }
                return "\(what): the field \"\(key)\" must be a string, got \(value.typeName)"
            }
        }
    }

    var item: (what: String, required: [RequiredField]) {
        switch self {
        case .job, .jobList: ("job", [.nonEmptyString("id"), .nonEmptyString("status")])
        case .eventList: ("event", [.nonEmptyString("id"), .wholeNumber("created_at"), .string("message")])
        case .checkpointList: ("checkpoint", [.nonEmptyString("id")])
        case .errorEnvelope: ("error", [])
        }
    }

    /// What the rejection message must contain, or nil when the contract accepts `tree`.
    func expectedRejection(of tree: JSONValue) -> String? {
        switch self {
        case .job:
            return itemProblem(tree)
        case .jobList, .eventList, .checkpointList:
            guard let fields = tree.objectValue else {
                return "expected a list object with a \"data\" array, got \(tree.typeName)"
            }
            guard let data = fields["data"]?.arrayValue else {
                return "list: the field \"data\" must be an array"
            }
            for (index, element) in data.enumerated() {
                if let problem = itemProblem(element) { return "data[\(index)]: \(problem)" }
            }
            return nil
        case .errorEnvelope:
            return nil
        }
    }

    private func itemProblem(_ value: JSONValue) -> String? {
        guard let fields = value.objectValue else {
            return "\(item.what): expected a JSON object, got \(value.typeName)"
        }
        return item.required.lazy.compactMap { $0.problem(in: fields, what: self.item.what) }.first
    }
}

struct FuzzFixture {
    /// The job whose events and checkpoints the list decoders are told they read.
    static let jobID = "ftjob-fuzz"

    let name: String
    let family: DecoderFamily
    let bytes: [UInt8]
    let tree: JSONValue
    /// The tree as raw tokens, and the path of each of its nodes, for the mutator.
    let raw: RawJSON
    let paths: [[RawJSON.Step]]
    /// What the fixture decodes to: the ids, or the error message of an error envelope.
    let ids: [String]?
    let errorMessage: String

    static func all() throws -> [FuzzFixture] {
        try Fixtures.names(withSuffix: ".json").compactMap { name in
            guard let family = DecoderFamily(fixture: name) else { return nil }
            let data = try Fixtures.data(name)
            let tree = try JSONValue.parse(data)
            let raw = RawJSON(tree)
            return FuzzFixture(
                name: name, family: family, bytes: [UInt8](data), tree: tree, raw: raw, paths: raw.paths(),
                ids: try? DecodedBody.decode(family, data).ids,
                errorMessage: OpenAIClient.errorMessage(status: 500, body: data))
        }
    }
}

// MARK: - Checking one body

/// A decoded body, kept to compare with the parsed tree.
enum DecodedBody {
    case job(FineTuningJob)
    case jobs(ListPage<FineTuningJob>)
    case events(ListPage<JobEvent>)
    case checkpoints(ListPage<Checkpoint>)

    static func decode(_ family: DecoderFamily, _ body: Data) throws(APIDecodingError) -> DecodedBody {
        switch family {
        case .job: .job(try FineTuningJob(body: body))
        case .jobList: .jobs(try ListPage.jobs(body: body))
        case .eventList: .events(try ListPage.events(body: body, jobID: FuzzFixture.jobID))
        case .checkpointList, .errorEnvelope:
            .checkpoints(try ListPage.checkpoints(body: body, jobID: FuzzFixture.jobID))
        }
    }

    /// The ids of what was decoded, in order.
    var ids: [String] {
        switch self {
        case .job(let job): [job.id]
        case .jobs(let page): page.data.map(\.id)
        case .events(let page): page.data.map(\.id)
        case .checkpoints(let page): page.data.map(\.id)
        }
    }

    /// nil when the decoded values say what the parsed body says.
    func disagreement(with tree: JSONValue) -> String? {
        let items = tree["data"]?.arrayValue ?? []
        let hasMore = tree["has_more"]?.boolValue ?? false
        // What the decoders promise of a field: its text with NUL as U+FFFD (SQLite would
        // cut it there), and a required time clamped into the plausible range.
        func text(_ value: JSONValue?) -> String? { value?.stringValue?.replacingNUL }
        func time(_ value: JSONValue?) -> Int64? {
            value?.int64Value.map {
                min(
                    max($0, JSONObjectReader.plausibleTimes.lowerBound),
                    JSONObjectReader.plausibleTimes.upperBound)
            }
        }
        switch self {
        case .job(let job):
            if job.id != text(tree["id"]) || job.status != text(tree["status"]) {
                return "the job's id or status differs from the body's"
            }
            return job.raw == tree ? nil : "the job's raw JSON differs from the body"
        case .jobs(let page):
            return page.data.map(\.id) == items.map { text($0["id"]) } && page.hasMore == hasMore
                ? nil : "the jobs or has_more differ from the body's"
        case .events(let page):
            let same =
                page.data.map(\.id) == items.map { text($0["id"]) }
                && page.data.map(\.createdAt) == items.map { time($0["created_at"]) }
                && page.data.map(\.message) == items.map { text($0["message"]) }
                && page.data.allSatisfy { $0.jobID == FuzzFixture.jobID } && page.hasMore == hasMore
            return same ? nil : "the events or has_more differ from the body's"
        case .checkpoints(let page):
            let jobIDs = items.map { text($0["fine_tuning_job_id"]) ?? FuzzFixture.jobID }
            let same =
                page.data.map(\.id) == items.map { text($0["id"]) }
                && page.data.map(\.jobID) == jobIDs && page.hasMore == hasMore
            return same ? nil : "the checkpoints or has_more differ from the body's"
        }
    }
}

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

/// When Foundation's `JSONDecoder`, the parser ftd used before, may serve as a reference:
/// it crashes on a body whose 513th nested `[` is its last byte and on numbers with a
/// fraction or exponent beyond 2^53 and many digits, and it takes time quadratic in the
/// nesting depth. It also reads UTF-16 and UTF-32, which `JSONParser` refuses.
enum FoundationReference {
    static func isSafe(_ bytes: [UInt8]) -> Bool {
        guard bytes.count <= 200_000, !bytes.prefix(4).contains(where: { $0 == 0 || $0 >= 0xFE }) else {
            return false
        }
        var depth = 0
        var inString = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > 64 { return false }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                // JSONDecoder reads a number as the longest run of these bytes.
                let start = index
                while index < bytes.count, "0123456789+-.eE".utf8.contains(bytes[index]) { index += 1 }
                let token = String(decoding: bytes[start..<index], as: UTF8.self)
                if token.count > 30 { return false }
                let hasFraction = token.contains { ".eE".contains($0) }
                if hasFraction, let value = Double(token), value.magnitude >= 0x1p53 { return false }
                continue
            default: break
            }
            index += 1
        }
        return true
    }
}

// MARK: - Mutating JSON

/// A JSON document as a tree of raw tokens, so that a mutation can put any bytes anywhere:
/// duplicated keys, invalid UTF-8, numbers no `Double` holds.
enum RawJSON {
    case token([UInt8])
    case array([RawJSON])
    case object([RawMember])

    enum Step: Equatable {
        case member(Int)
        case element(Int)
    }

    init(_ value: JSONValue) {
        switch value {
        case .array(let items):
            self = .array(items.map(RawJSON.init))
        case .object(let fields):
            self = .object(
                fields.keys.sorted().map {
                    RawMember(key: Self.text(.string($0)), value: RawJSON(fields[$0] ?? .null))
                })
        default:
            self = .token(Self.text(value))
        }
    }

    static func text(_ value: JSONValue) -> [UInt8] { [UInt8](value.encoded()) }

    /// The JSON text; `spacer` puts whitespace between tokens.
    func bytes(spacer: JSONSpacer? = nil) -> [UInt8] {
        var out: [UInt8] = []
        var spacer = spacer
        write(to: &out, spacer: &spacer)
        return out
    }

    private func write(to out: inout [UInt8], spacer: inout JSONSpacer?) {
        switch self {
        case .token(let bytes):
            out += bytes
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += spacer?.space() ?? []
                item.write(to: &out, spacer: &spacer)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                // A member without a key stands for a trailing comma.
                guard !member.key.isEmpty else { continue }
                out += spacer?.space() ?? []
                out += member.key
                out += spacer?.space() ?? []
                out.append(UInt8(ascii: ":"))
                out += spacer?.space() ?? []
                member.value.write(to: &out, spacer: &spacer)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The path of every node, the root's (empty) first.
    func paths(under prefix: [Step] = []) -> [[Step]] {
        var result = [prefix]
        switch self {
        case .token: break
        case .array(let items):
            for index in items.indices { result += items[index].paths(under: prefix + [.element(index)]) }
        case .object(let members):
            for index in members.indices {
                result += members[index].value.paths(under: prefix + [.member(index)])
            }
        }
        return result
    }

    func node(at path: ArraySlice<Step>) -> RawJSON? {
        guard let step = path.first else { return self }
        switch (self, step) {
        case (.array(let items), .element(let index)): return items[index].node(at: path.dropFirst())
        case (.object(let members), .member(let index)):
            return members[index].value.node(at: path.dropFirst())
        default: return nil
        }
    }

    mutating func modify(at path: ArraySlice<Step>, _ change: (inout RawJSON) -> Void) {
        guard let step = path.first else { return change(&self) }
        switch (self, step) {
        case (.array(var items), .element(let index)):
            items[index].modify(at: path.dropFirst(), change)
            self = .array(items)
        case (.object(var members), .member(let index)):
            members[index].value.modify(at: path.dropFirst(), change)
            self = .object(members)
        default:
            break
        }
    }

    /// The key names and `[index]`es along a path.
    func names(along path: ArraySlice<Step>) -> [String] {
        guard let step = path.first else { return [] }
        switch (self, step) {
        case (.array(let items), .element(let index)):
            return ["[\(index)]"] + items[index].names(along: path.dropFirst())
        case (.object(let members), .member(let index)):
            let name = (try? JSONValue.parse(Data(members[index].key)))?.stringValue ?? "?"
            return [name] + members[index].value.names(along: path.dropFirst())
        default:
            return []
        }
    }

    var isStringToken: Bool {
        if case .token(let bytes) = self { return bytes.first == UInt8(ascii: "\"") }
        return false
    }
}

struct RawMember {
    /// The key's JSON text, quotes included; empty for a trailing comma.
    var key: [UInt8]
    var value: RawJSON
}

/// Random JSON whitespace between tokens.
struct JSONSpacer {
    var random: SplitMix64

    mutating func space() -> [UInt8] {
        guard random.percent(30) else { return [] }
        return Array(random.pick([" ", "\n", "\t", "\r\n", "  \n    "]).utf8)
    }
}

/// A mutated fixture and what the mutation implies.
struct MutatedBody {
    enum ParseExpectation {
        /// The text was only rewritten: it parses to the fixture's own tree.
        case sameTree
        case valid
        /// The text is not JSON; the parser's message must contain the phrase.
        case invalid(String?)
        case unknown
    }

    var kind: String
    var bytes: [UInt8]
    var parse: ParseExpectation
    /// The paths (key names, `[index]`) the mutation changed; nil after a byte-level change.
    var touched: [[String]]?
    /// Whether the mutation tests how the text is parsed (numbers, strings, keys, syntax)
    /// rather than what the decoders make of the values.
    var probesParser = false
}

struct JSONMutator {
    var hugeBytes: Int

    static let otherTypes = [
        "0", "-1", "1.5", "true", "false", #""""#, #"" ""#, #""x""#, "[]", "{}", "[null]",
        #"{"a":null}"#, #""12""#, #""null""#, #""ftjob-other""#, #"[1,"a",{}]"#, #"{"id":"x","status":"y"}"#,
    ]
    static let validNumbers = [
        "0", "-0", "-0.0", "1e2", "1E+2", "12.0", "0.1", "1e-400", "4.9e-324", "1.7976931348623157e308",
        "-1.7976931348623157e308", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "1e18", "123456789.123456789",
        "10000000000000000000000000", "1.5e300", "-1.5e-300", "9007199254740993", "9007199254740993.0",
        "1" + String(repeating: "0", count: 200) + "e-182", "0.0e0", "1e-7", "2.5E-3", "1723207997.0",
    ]
    static let invalidNumbers = [
        "NaN", "-NaN", "Infinity", "-Infinity", "inf", "nan", "+1", ".5", "1.", "01", "-01", "0x10", "1_000",
        "1e", "1e+", "-", "--1", "1.2.3", "1e5e5", "\u{FF11}", "1e400", "-1e400",
        "1" + String(repeating: "0", count: 400),
    ]
    static let invalidLiterals = [
        "True", "FALSE", "NULL", "nul", "tru", "undefined", "None", "nil", "'x'", "`x`",
    ]
    static let validStrings = [
        #""\u0000""#, #""\ud83d\ude00""#, "\"\u{1F600}\"", #""\/""#, #""\b\f\n\r\t""#, "\"e\u{301}\"",
        #""\u202e""#, #""\uffff""#, "\"\u{7F}\"", #""a\"b""#, "\"\u{FEFF}\"", #""<script>""#, #""%s%n""#,
    ]
    static let invalidStrings = [
        #""\q""#, #""\u12""#, #""\uZZZZ""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800x""#,
        #""\x41""#, #""\U0041""#, #""\""#, #""\'""#, "'single'",
    ]
    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3],
    ]
    static let newKeys = ["extra", "", "ID", "Id", "id ", "status\u{0}", "__proto__", "data2", "\u{1F600}"]

    enum Kind: CaseIterable {
        case dropMember, nullValue, blankString, otherType, hugeString, deepValue, edgeNumber, edgeString,
            renameKey
        case duplicateKeyFirst, duplicateKeyLast, addMember, duplicateElement, dropElement, swapElements
        case trailingComma, whitespace, escapedKeys, byteOrderMark
        case invalidNumber, invalidLiteral, invalidUTF8, invalidString, controlCharacter, utf16Mark
        case truncate, setByte, insertBytes, deleteRange, duplicateRange, splice, garbage, repeatBody
        case nestDeep, openDeep

        var probesParser: Bool {
            switch self {
            case .edgeNumber, .edgeString, .duplicateKeyFirst, .duplicateKeyLast, .trailingComma, .whitespace,
                .escapedKeys, .byteOrderMark, .invalidNumber, .invalidLiteral, .invalidUTF8, .invalidString,
                .controlCharacter, .utf16Mark:
                true
            default:
                false
            }
        }
    }

    func mutate(_ fixture: FuzzFixture, _ random: inout SplitMix64) -> MutatedBody {
        let kind = random.pick(Kind.allCases)
        var mutated = apply(kind, to: fixture, &random)
        mutated.probesParser = kind.probesParser
        return mutated
    }

    private func apply(_ kind: Kind, to fixture: FuzzFixture, _ random: inout SplitMix64) -> MutatedBody {
        var tree = fixture.raw
        let paths = fixture.paths
        let inner = Array(paths.dropFirst())
        let memberPaths = inner.filter { if case .member = $0.last { true } else { false } }
        let elementPaths = inner.filter { if case .element = $0.last { true } else { false } }
        let stringPaths = inner.filter { tree.node(at: $0[...])?.isStringToken == true }
        let containerPaths = paths.filter {
            switch tree.node(at: $0[...]) {
            case .array(let items)?: !items.isEmpty
            case .object(let members)?: !members.isEmpty
            default: false
            }
        }
        let name = "\(kind)"

        func replaced(at path: [RawJSON.Step], with token: [UInt8], _ parse: MutatedBody.ParseExpectation)
            -> MutatedBody
        {
            var copy = tree
            copy.modify(at: path[...]) { $0 = .token(token) }
            return MutatedBody(
                kind: "\(name) at \(tree.names(along: path[...]))", bytes: copy.bytes(), parse: parse,
                touched: [tree.names(along: path[...])])
        }
        func bytesChanged(_ bytes: [UInt8], _ parse: MutatedBody.ParseExpectation = .unknown) -> MutatedBody {
            MutatedBody(kind: name, bytes: bytes, parse: parse, touched: nil)
        }

        switch kind {
        case .dropMember, .renameKey, .duplicateKeyFirst, .duplicateKeyLast:
            let path = random.pick(memberPaths)
            guard case .member(let index) = path.last else { return bytesChanged(fixture.bytes, .sameTree) }
            let names = tree.names(along: path[...])
            var touched = [names]
            tree.modify(at: path.dropLast()) { parent in
                guard case .object(var members) = parent else { return }
                switch kind {
                case .dropMember:
                    members.remove(at: index)
                case .renameKey:
                    let key = random.pick(Self.newKeys)
                    touched.append(Array(names.dropLast()) + [key])
                    members[index].key = RawJSON.text(.string(key))
                default:
                    let copy = RawMember(
                        key: members[index].key, value: .token(Array(random.pick(Self.otherTypes).utf8)))
                    members.insert(copy, at: kind == .duplicateKeyFirst ? index : index + 1)
                }
                parent = .object(members)
            }
            // Of duplicated keys the first wins, so a later duplicate changes nothing.
            let parse: MutatedBody.ParseExpectation = kind == .duplicateKeyLast ? .sameTree : .valid
            return MutatedBody(
                kind: "\(name) at \(names)", bytes: tree.bytes(), parse: parse,
                touched: kind == .duplicateKeyLast ? [] : touched)
        case .nullValue:
            return replaced(at: random.pick(inner), with: Array("null".utf8), .valid)
        case .blankString:
            return replaced(
                at: random.pick(inner), with: Array(random.pick([#""""#, #"" ""#, #""\t\n""#]).utf8), .valid)
        case .otherType:
            return replaced(at: random.pick(inner), with: Array(random.pick(Self.otherTypes).utf8), .valid)
        case .hugeString:
            return replaced(at: random.pick(inner), with: hugeString(&random), .valid)
        case .deepValue:
            let depth = random.percent(50) ? 1 + random.below(10) : 1 + random.below(400)
            let open = random.percent(50) ? "[" : #"{"a":"#
            let close = open == "[" ? "]" : "}"
            let text = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
            return replaced(at: random.pick(inner), with: Array(text.utf8), .valid)
        case .edgeNumber:
            return replaced(at: random.pick(inner), with: Array(random.pick(Self.validNumbers).utf8), .valid)
        case .edgeString:
            return replaced(at: random.pick(inner), with: Array(random.pick(Self.validStrings).utf8), .valid)
        case .invalidNumber:
            return replaced(
                at: random.pick(inner), with: Array(random.pick(Self.invalidNumbers).utf8), .invalid(nil))
        case .invalidLiteral:
            return replaced(
                at: random.pick(inner), with: Array(random.pick(Self.invalidLiterals).utf8), .invalid(nil))
        case .invalidString:
            return replaced(
                at: random.pick(inner), with: Array(random.pick(Self.invalidStrings).utf8), .invalid(nil))
        case .invalidUTF8, .controlCharacter:
            guard !stringPaths.isEmpty else { return bytesChanged(fixture.bytes, .sameTree) }
            let path = random.pick(stringPaths)
            guard case .token(var bytes)? = tree.node(at: path[...]) else {
                return bytesChanged(fixture.bytes, .sameTree)
            }
            let inserted = kind == .invalidUTF8 ? random.pick(Self.invalidUTF8) : [UInt8(random.below(0x20))]
            // Right after the opening quote or right before the closing one: never inside an
            // escape, where the parser would rightly report the escape instead.
            bytes.insert(contentsOf: inserted, at: random.percent(50) ? 1 : bytes.count - 1)
            let phrase = kind == .invalidUTF8 ? "invalid UTF-8" : "control character"
            return replaced(at: path, with: bytes, .invalid(phrase))
        case .addMember:
            let objects = paths.filter { if case .object? = tree.node(at: $0[...]) { true } else { false } }
            let path = random.pick(objects)
            let key = random.pick(Self.newKeys)
            let names = tree.names(along: path[...])
            let value = RawJSON.token(Array(random.pick(Self.otherTypes + Self.validNumbers).utf8))
            tree.modify(at: path[...]) { node in
                guard case .object(var members) = node else { return }
                members.insert(
                    RawMember(key: RawJSON.text(.string(key)), value: value),
                    at: random.below(members.count + 1))
                node = .object(members)
            }
            return MutatedBody(
                kind: "\(name) \(key) at \(names)", bytes: tree.bytes(), parse: .valid,
                touched: [names + [key]])
        case .duplicateElement, .dropElement, .swapElements:
            guard !elementPaths.isEmpty else { return bytesChanged(fixture.bytes, .sameTree) }
            let path = random.pick(elementPaths)
            guard case .element(let index) = path.last else { return bytesChanged(fixture.bytes, .sameTree) }
            let names = tree.names(along: path.dropLast())
            tree.modify(at: path.dropLast()) { node in
                guard case .array(var items) = node else { return }
                switch kind {
                case .duplicateElement: items.insert(items[index], at: random.below(items.count + 1))
                case .dropElement: items.remove(at: index)
                default: items.swapAt(index, random.below(items.count))
                }
                node = .array(items)
            }
            return MutatedBody(
                kind: "\(name) in \(names)", bytes: tree.bytes(), parse: .valid, touched: [names])
        case .trailingComma:
            // JSONDecoder allowed `[1,]` and `{"a":1,}`; ftd keeps accepting them.
            let path = random.pick(containerPaths)
            tree.modify(at: path[...]) { node in
                switch node {
                case .array(let items): node = .array(items + [.token([])])
                case .object(let members): node = .object(members + [RawMember(key: [], value: .token([]))])
                case .token: break
                }
            }
            return MutatedBody(kind: name, bytes: tree.bytes(), parse: .sameTree, touched: [])
        case .whitespace:
            let spacer = JSONSpacer(random: SplitMix64(seed: random.next()))
            return MutatedBody(kind: name, bytes: tree.bytes(spacer: spacer), parse: .sameTree, touched: [])
        case .escapedKeys:
            return MutatedBody(
                kind: name, bytes: Self.escapingKeys(tree).bytes(), parse: .sameTree, touched: [])
        case .byteOrderMark:
            return bytesChanged([0xEF, 0xBB, 0xBF] + fixture.bytes, .sameTree)
        case .utf16Mark:
            return bytesChanged(random.pick([[0xFE, 0xFF], [0xFF, 0xFE]]) + fixture.bytes, .invalid(nil))
        case .truncate:
            let cut = random.below(DecoderFuzzTests.endOfText(fixture.bytes))
            return bytesChanged(Array(fixture.bytes.prefix(cut)), .invalid("the text ends at byte \(cut)"))
        case .setByte:
            var bytes = fixture.bytes
            bytes[random.below(bytes.count)] = random.byte()
            return bytesChanged(bytes)
        case .insertBytes:
            var bytes = fixture.bytes
            let palette: [UInt8] =
                Array("\"\\{}[],: \n0-e.".utf8) + [0x00, 0xFF, 0xC0, 0x80, 0xEF, 0xBB, 0xBF]
            let inserted = (0...random.below(8)).map { _ in
                random.percent(50) ? random.pick(palette) : random.byte()
            }
            bytes.insert(contentsOf: inserted, at: random.below(bytes.count + 1))
            return bytesChanged(bytes)
        case .deleteRange:
            var bytes = fixture.bytes
            let start = random.below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(32)))
            return bytesChanged(bytes)
        case .duplicateRange:
            var bytes = fixture.bytes
            let start = random.below(bytes.count)
            let chunk = bytes[start..<min(bytes.count, start + 1 + random.below(64))]
            bytes.insert(contentsOf: chunk, at: random.below(bytes.count + 1))
            return bytesChanged(bytes)
        case .splice:
            let other = fixture.raw.bytes(spacer: JSONSpacer(random: SplitMix64(seed: random.next())))
            return bytesChanged(
                Array(fixture.bytes.prefix(random.below(fixture.bytes.count)))
                    + Array(other.suffix(random.below(other.count))))
        case .garbage:
            return bytesChanged((0..<random.below(256)).map { _ in random.byte() })
        case .repeatBody:
            return bytesChanged(fixture.bytes + fixture.bytes, .invalid("after the JSON value"))
        case .nestDeep:
            let limit = JSONParser.maximumDepth - Self.depth(of: fixture.tree)
            let count = random.pick([limit, limit + 1, 1 + random.below(1_000), 100_000])
            let bytes =
                Array(String(repeating: "[", count: count).utf8) + fixture.bytes
                + Array(String(repeating: "]", count: count).utf8)
            return bytesChanged(bytes, count > limit ? .invalid("more than 512 nested") : .valid)
        case .openDeep:
            let prefix = random.pick(["", #"{"data":"#, #"{"id":"x","status":"y","a":"#])
            let count = random.pick([511, 512, 513, 1 + random.below(1_000)])
            let depth = count + (prefix.isEmpty ? 0 : 1)
            return bytesChanged(
                Array((prefix + String(repeating: "[", count: count)).utf8),
                .invalid(depth > JSONParser.maximumDepth ? "more than 512 nested" : "ends at byte"))
        }
    }

    private func hugeString(_ random: inout SplitMix64) -> [UInt8] {
        let length = random.pick([16, 1_000, 8_000, hugeBytes])
        let pieces = random.pick([["x"], ["é", "\u{1F600}", "a"], [#"\n"#, #"\u00e9"#, #"\""#, "b"]])
        var text = "\""
        text.reserveCapacity(length + 8)
        while text.utf8.count < length { text += random.pick(pieces) }
        return Array((text + "\"").utf8)
    }

    /// Every key written with `\u` escapes only: the same document.
    private static func escapingKeys(_ node: RawJSON) -> RawJSON {
        switch node {
        case .token: return node
        case .array(let items): return .array(items.map(escapingKeys))
        case .object(let members):
            return .object(
                members.map { member in
                    let name = (try? JSONValue.parse(Data(member.key)))?.stringValue ?? ""
                    let escaped = name.utf16.map { unit in
                        let digits = String(unit, radix: 16)
                        return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                    }.joined()
                    return RawMember(key: Array("\"\(escaped)\"".utf8), value: escapingKeys(member.value))
                })
        }
    }

    /// How many arrays and objects nest in `value`.
    static func depth(of value: JSONValue) -> Int {
        switch value {
        case .array(let items): 1 + (items.map(depth).max() ?? 0)
        case .object(let fields): 1 + (fields.values.map(depth).max() ?? 0)
        default: 0
        }
    }
}

// MARK: - Result files

enum ResultFileChecker {
    /// Reads a result file and checks what every reading must satisfy: finite values, never
    /// the `-1` that means "missing", no more steps than lines.
    static func check(_ data: Data, context: String, report: inout FuzzReport) -> [LossStep] {
        let steps = ResultFileParser.steps(jobID: FuzzFixture.jobID, data: data)
        report.count(accepted: !steps.isEmpty)
        let values = steps.flatMap {
            [
                $0.trainLoss, $0.trainMeanTokenAccuracy, $0.validLoss, $0.validMeanTokenAccuracy,
                $0.fullValidLoss, $0.fullValidMeanTokenAccuracy,
            ].compactMap { $0 }
        }
        if values.contains(where: { !$0.isFinite || $0 == -1 }) {
            report.record("a value is not finite or is the missing marker -1", context)
        }
        if steps.contains(where: { $0.jobID != FuzzFixture.jobID || abs($0.step) >= 1_000_000_000_000_000 }) {
            report.record("a step has the wrong job or an absurd number", context)
        }
        let lines = ResultFileParser.csvText(data).split(whereSeparator: \.isNewline).count
        if steps.count > max(lines - 1, 0) { report.record("more steps than rows", context) }
        return steps
    }
}

struct ResultFileMutator {
    var hugeBytes: Int

    struct Mutated {
        var kind: String
        var data: Data
        /// The steps the file must give, when the mutation implies them.
        var expected: [LossStep]?
    }

    static let cells = [
        "", " ", "-1", "-1.0", "NaN", "nan", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e-400", "0x1p3",
        "1_0", " 7 ", "\u{FF17}", "1.5", "-0", "9e15", "1e16", "abc", "\"3\"", "4.", ".5", "+2", "1e15",
        "2.0",
    ]

    /// `rows` are the data rows of the fixture, without line breaks.
    func mutate(header: String, rows: [String], baseline: [LossStep], _ random: inout SplitMix64) -> Mutated {
        func read(_ bytes: [UInt8]) -> [LossStep] {
            ResultFileParser.steps(jobID: FuzzFixture.jobID, data: Data(bytes))
        }
        func file(_ header: String, _ rows: [[UInt8]], separator: String = "\n") -> [UInt8] {
            Array(([Array(header.utf8)] + rows).joined(separator: Array(separator.utf8)))
        }
        var rows = rows.map { Array($0.utf8) }
        let row = random.below(rows.count)
        switch random.below(12) {
        case 0...4:
            // One row changes: every other row reads as before, since rows are independent.
            let (kind, edited) = edit(rows[row], &random)
            rows[row] = edited
            let expected = rows.flatMap { read(file(header, [$0])) }
            return Mutated(
                kind: "\(kind) in row \(row + 1)", data: Data(file(header, rows)), expected: expected)
        case 5:
            // Columns are found by their header, so their order does not matter.
            var order = Array(0..<5)
            for index in order.indices.reversed() { order.swapAt(index, random.below(index + 1)) }
            func permuted(_ line: [UInt8]) -> [UInt8] {
                let cells = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
                return Array(order.map { Array(cells[$0]) }.joined(separator: [UInt8(ascii: ",")]))
            }
            let text = file(String(decoding: permuted(Array(header.utf8)), as: UTF8.self), rows.map(permuted))
            return Mutated(kind: "columns \(order)", data: Data(text), expected: baseline)
        case 6:
            let extra = rows.map { $0 + Array(("," + random.pick(Self.cells)).utf8) }
            let text = file(header.uppercased() + ",extra_column", extra)
            return Mutated(kind: "header case and an extra column", data: Data(text), expected: baseline)
        case 7:
            let text = file(header.replacingOccurrences(of: "step", with: "stage"), rows)
            return Mutated(kind: "no step column", data: Data(text), expected: [])
        case 8:
            // Served base64-encoded (with MIME line breaks, sometimes), a file reads the same.
            let (kind, edited) = edit(rows[row], &random)
            rows[row] = edited
            let text = file(header, rows, separator: random.pick(["\n", "\r\n"]))
            let options: Data.Base64EncodingOptions = random.percent(50) ? [.lineLength76Characters] : []
            return Mutated(
                kind: "base64, \(kind) in row \(row + 1)",
                data: Data(text).base64EncodedData(options: options),
                expected: read(text))
        case 9:
            let text = [0xEF, 0xBB, 0xBF] + file(header, rows)
            return Mutated(kind: "byte order mark", data: Data(text), expected: baseline)
        case 10:
            var bytes = file(header, rows)
            for _ in 0...random.below(4) { bytes[random.below(bytes.count)] = random.byte() }
            return Mutated(kind: "random bytes", data: Data(bytes), expected: nil)
        default:
            let bytes = (0..<random.below(300)).map { _ in random.byte() }
            return Mutated(kind: "garbage", data: Data(bytes), expected: nil)
        }
    }

    /// One row, changed: an odd cell, a cell more or less, bytes that are not UTF-8 or
    /// are control characters, a huge cell, the row dropped or doubled, a line break.
    private func edit(_ row: [UInt8], _ random: inout SplitMix64) -> (kind: String, row: [UInt8]) {
        var cells = row.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(Array.init)
        func joined() -> [UInt8] { Array(cells.joined(separator: [UInt8(ascii: ",")])) }
        switch random.below(6) {
        case 0:
            cells[random.below(cells.count)] = Array(random.pick(Self.cells).utf8)
            return ("edge cell", joined())
        case 1:
            if random.percent(50) {
                cells.append(Array(random.pick(Self.cells).utf8))
            } else {
                cells.removeLast()
            }
            return ("cell count", joined())
        case 2:
            var bytes = row
            let odd: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0x00], [0x0D], [0x1B], [0xE2, 0x80, 0xA8], [0xC3]]
            let inserted = random.pick(odd)
            bytes.insert(contentsOf: inserted, at: random.below(bytes.count + 1))
            return ("odd bytes", bytes)
        case 3:
            // A cell of 16 KiB commas is a row of 16,384 cells; more only slows the run.
            let length = random.pick([64, 1_000, min(max(hugeBytes / 4, 1), 16_384)])
            cells[random.below(cells.count)] = Array(
                String(repeating: random.pick(["1", ",", "9."]), count: length).utf8)
            return ("huge cell", joined())
        case 4:
            return ("row dropped or doubled", random.percent(50) ? [] : row + [UInt8(ascii: "\n")] + row)
        default:
            return ("line break", row + Array(random.pick(["\r", "\n\n", " ", "\u{2028}", "\u{301}"]).utf8))
        }
    }
}
