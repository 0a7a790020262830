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
