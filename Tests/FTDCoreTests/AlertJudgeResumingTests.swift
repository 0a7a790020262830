import Foundation
import Testing

@testable import FTDModel

/// The loss rules judged in parts, each part going on from the scans the part before
/// returned (as the store does cycle after cycle, issue 17), find exactly what judging the
/// whole curve finds: the same kinds, the same details, at the same steps.
struct AlertJudgeResumingTests {
    typealias Curves = AlertJudgeTests

    /// A sustained rise, an overfitting curve, a healthy one, a noisy one, and one with a
    /// NaN at step 120 after a run above the baseline.
    static let curves: [(name: String, steps: [AlertStep])] = [
        ("sustained rise", Curves.sustainedRise(seed: 3)),
        ("overfitting", Curves.overfit()),
        ("healthy", Array(Curves.healthy(seed: 5).prefix(400))),
        ("noisy", Array(Curves.noisy(seed: 8).prefix(400))),
        (
            "nan",
            Array(Curves.healthy(seed: 9).prefix(200)).map { step in
                var step = step
                if step.step == 120 { step.trainLoss = .nan }
                return step
            }
        ),
    ]

    /// Judges `steps` cut before each index of `cuts`, going on from each part's scans, as
    /// the store does; the findings of all parts, in order.
    static func inParts(
        _ steps: [AlertStep], cuts: [Int], judgedFromStep: Int? = nil, thresholds: AlertThresholds = .init(),
        checkpoints: [CheckpointMark] = []
    ) -> [AlertFinding] {
        var findings: [AlertFinding] = []
        var scans: LossScans?
        var fired: Set<AlertKind> = []
        var start = 0
        for end in cuts.filter({ $0 < steps.count }) + [steps.count] where end > start {
            var facts = Curves.running(Array(steps[start..<end]), judgedFromStep: judgedFromStep)
            facts.scans = scans
            facts.fired = fired
            facts.checkpoints = checkpoints
            let judgement = AlertJudge.judgement(facts, now: Curves.now, thresholds: thresholds)
            findings += judgement.findings
            fired.formUnion(judgement.findings.map(\.kind))
            scans = judgement.scans
            start = end
        }
        return findings
    }

    @Test(arguments: curves.indices)
    func judgingInPartsFindsWhatJudgingWholeFinds(curve index: Int) {
        let (name, steps) = Self.curves[index]
        let checkpoints = Curves.checkpoints([100, 200, 300, 400])
        var facts = Curves.running(steps)
        facts.checkpoints = checkpoints
        let whole = AlertJudge.judge(facts, now: Curves.now, thresholds: .init())
        // One step a cycle, ten, an uneven cut, and every cut a cycle of 37 steps makes.
        let cutSets: [[Int]] = [
            Array(1..<steps.count), Array(stride(from: 10, to: steps.count, by: 10)), [1, 2, 99, 250],
            Array(stride(from: 37, to: steps.count, by: 37)),
        ]
        for cuts in cutSets {
            let parts = Self.inParts(steps, cuts: cuts, checkpoints: checkpoints)
            #expect(parts == whole, "\(name), \(cuts.count) cuts")
        }
        // The stalled kind is no loss kind: the curves that fire do so through their losses.
        if name == "sustained rise" { #expect(whole.map(\.kind) == [.lossDiverged]) }
        if name == "overfitting" { #expect(whole.map(\.kind) == [.overfitting]) }
        if name == "nan" { #expect(whole.map(\.detail) == ["train loss is NaN at step 120"]) }
        if name == "healthy" || name == "noisy" { #expect(whole.isEmpty) }
    }

    /// Scans taken with other thresholds, or from another first judged step, are not gone
    /// on from: the judge starts again, and a part that holds only the new steps then
    /// judges only them (the store reads the whole curve in that case).
    @Test func scansOfOtherThresholdsAreNotGoneOn() throws {
        let steps = Curves.sustainedRise(seed: 3)
        var first = Curves.running(Array(steps.prefix(150)))
        let judged = AlertJudge.judgement(first, now: Curves.now, thresholds: .init())
        let scans = try #require(judged.scans)
        #expect(scans.lastStep == 150)
        #expect(scans.continues(judgedFromStep: nil, thresholds: .init()))
        var stricter = AlertThresholds()
        stricter.divergeRatio = 3
        #expect(!scans.continues(judgedFromStep: nil, thresholds: stricter))
        #expect(!scans.continues(judgedFromStep: 20, thresholds: .init()))
        var olderRules = scans
        olderRules.rules = AlertJudge.rulesVersion - 1
        #expect(!olderRules.continues(judgedFromStep: nil, thresholds: .init()))
        first.steps = Array(steps.prefix(150))
        first.scans = scans
        // Steps at or below where the scans stopped are not taken twice.
        let again = AlertJudge.judgement(first, now: Curves.now, thresholds: .init())
        #expect(again.scans == scans)
    }

    /// The store keeps scans as JSON: a noise sum that overflowed to infinity survives.
    @Test func scansSurviveJSONWithInfiniteNoise() throws {
        let steps = [1e308, 1.7e308, 1e308, 1.7e308].enumerated().map {
            AlertStep(step: $0.offset + 1, trainLoss: 1, validLoss: $0.element)
        }
        let scans = try #require(
            AlertJudge.judgement(Curves.running(steps), now: Curves.now, thresholds: .init()).scans)
        #expect(scans.overfitting.noiseSum.isInfinite)
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        #expect(try decoder.decode(LossScans.self, from: encoder.encode(scans)) == scans)
    }

    /// Saved scans are read from the database, where a hand or a fault can put any number:
    /// a count at the top of Int would trap on its next step (and the daemon, restarted,
    /// would trap again on the same row). Such scans are not gone on from: the judge
    /// starts again.
    @Test(arguments: ["counted", "readings", "noiseCount", "rises"])
    func scansWithACountNoCurveReachesStartAgain(count: String) throws {
        let steps = Curves.overfit()
        let first = Curves.running(Array(steps.prefix(100)))
        var scans = try #require(AlertJudge.judgement(first, now: Curves.now, thresholds: .init()).scans)
        for value in [Int.max, -1] {
            switch count {
            case "counted": scans.diverged.counted = value
            case "readings": scans.overfitting.readings = value
            case "noiseCount": scans.overfitting.noiseCount = value
            default: scans.overfitting.rises = value
            }
            #expect(!scans.continues(judgedFromStep: nil, thresholds: .init()))
            var next = Curves.running(Array(steps[100..<150]))
            next.scans = scans
            let fresh = AlertJudge.judgement(
                Curves.running(Array(steps[100..<150])), now: Curves.now, thresholds: .init())
            #expect(AlertJudge.judgement(next, now: Curves.now, thresholds: .init()) == fresh)
        }
    }
}
