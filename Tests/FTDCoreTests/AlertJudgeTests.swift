import Foundation
import Testing

@testable import FTDModel
@testable import FTDSimulator

/// The alert judge (SPEC section 10) on real-looking loss curves, drawn from a seeded
/// generator so that every run judges the same numbers.
struct AlertJudgeTests {
    static let now: Int64 = 1_750_000_000
    static let defaults = AlertThresholds()

    // MARK: - Curves

    /// SplitMix64: a tiny seeded generator, the same numbers on every run and platform.
    struct SplitMix64 {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }

        /// Uniform in [0, 1).
        mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

        /// A factor uniform in [1 - amplitude, 1 + amplitude).
        mutating func noise(_ amplitude: Double) -> Double { 1 + amplitude * (2 * unit() - 1) }
    }

    /// `steps` steps whose train loss follows `trend` with ±`trainNoise`, validated every 10
    /// steps at `validScale` × the trend with ±`validNoise`.
    static func curve(
        seed: UInt64, steps: Int, trainNoise: Double, validNoise: Double, validScale: Double = 1.1,
        trend: (Int) -> Double
    ) -> [AlertStep] {
        var generator = SplitMix64(state: seed)
        return (1...steps).map { step in
            let train = trend(step) * generator.noise(trainNoise)
            let valid = step % 10 == 0 ? trend(step) * validScale * generator.noise(validNoise) : nil
            return AlertStep(step: step, trainLoss: train, validLoss: valid)
        }
    }

    /// Exponential decay from 2.5 at step 1 to 0.3 at step 1000.
    static func healthyTrend(_ step: Int) -> Double { 2.5 * pow(0.3 / 2.5, Double(step - 1) / 999) }

    /// 1000 healthy steps: train ±15 %, validation every 10 steps ±15 %.
    static func healthy(seed: UInt64) -> [AlertStep] {
        curve(seed: seed, steps: 1000, trainNoise: 0.15, validNoise: 0.15, trend: healthyTrend)
    }

    /// 1000 noisy steps around a slow fall from 1.2 to 0.9: train ±40 %, validation ±25 %.
    static func noisy(seed: UInt64) -> [AlertStep] {
        curve(seed: seed, steps: 1000, trainNoise: 0.4, validNoise: 0.25) { step in
            1.2 - 0.3 * Double(step - 1) / 999
        }
    }

    static let seeds: [UInt64] = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233]

    static func running(_ steps: [AlertStep]?, judgedFromStep: Int? = nil) -> AlertFacts {
        AlertFacts(status: "running", silentSince: now - 60, steps: steps, judgedFromStep: judgedFromStep)
    }

    static func kinds(_ findings: [AlertFinding]) -> [AlertKind] { findings.map(\.kind) }

    /// Every detail is one line: no character below 0x20, no DEL, no C1 control.
    static func expectOneLine(_ findings: [AlertFinding], sourceLocation: SourceLocation = #_sourceLocation) {
        for finding in findings {
            let controls = finding.detail.unicodeScalars.filter {
                $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}"
            }
            #expect(controls.isEmpty, "\(finding.detail.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - 1, 2: healthy and noisy curves

    @Test(arguments: seeds)
    func healthyFallingLossFindsNothing(seed: UInt64) {
        let findings = AlertJudge.judge(
            Self.running(Self.healthy(seed: seed)), now: Self.now, thresholds: Self.defaults)
        #expect(findings == [])
    }

    @Test(arguments: seeds)
    func noisyStepsRaiseNoFalseAlarm(seed: UInt64) {
        let findings = AlertJudge.judge(
            Self.running(Self.noisy(seed: seed)), now: Self.now, thresholds: Self.defaults)
        #expect(findings == [])
    }

    /// The noise margin is what keeps the noisy curves quiet: without it (a smoothed
    /// validation loss that merely rose three times after its minimum) most of them fire.
    @Test func noisyValidationFiresWithoutTheNoiseMargin() {
        let unguarded = Self.seeds.filter { seed in
            AlertJudge.overfittingDetail(
                Self.noisy(seed: seed), judgedFromStep: nil, patience: 3, checkpoints: [], marginFloor: 0,
                noiseFactor: 0) != nil
        }
        #expect(unguarded.count > Self.seeds.count / 2)
    }

    // MARK: - 3, 4: a spike and a sustained rise

    @Test(arguments: [40, 100, 250, 400, 650, 900])
    func oneSpikeThatRecoversDoesNotDiverge(at spike: Int) {
        var steps = Self.healthy(seed: 7)
        steps[spike - 1].trainLoss = 10 * Self.healthyTrend(spike)
        let findings = AlertJudge.judge(Self.running(steps), now: Self.now, thresholds: Self.defaults)
        #expect(!Self.kinds(findings).contains(.lossDiverged))
        // Unsmoothed, the same spike fires, at the spike.
        let unsmoothed = AlertJudge.divergedDetail(steps, judgedFromStep: nil, ratio: 2, weight: 0)
        #expect(unsmoothed?.contains(" at step \(spike) is ") == true, "\(unsmoothed ?? "nil")")
    }

    /// Falls to 0.5 by step 200, then climbs to 2.0 over the next 50 steps and stays there.
    static func sustainedRise(seed: UInt64) -> [AlertStep] {
        curve(seed: seed, steps: 300, trainNoise: 0.1, validNoise: 0.1) { step in
            switch step {
            case ...200: 0.5 + 2.0 * (1 - Double(step - 1) / 199) * (1 - Double(step - 1) / 199)
            case ...250: 0.5 + 1.5 * Double(step - 200) / 50
            default: 2.0
            }
        }
    }

    @Test(arguments: seeds)
    func sustainedRiseDivergesOnce(seed: UInt64) throws {
        let findings = AlertJudge.judge(
            Self.running(Self.sustainedRise(seed: seed)), now: Self.now, thresholds: Self.defaults)
        let diverged = findings.filter { $0.kind == .lossDiverged }
        try #require(diverged.count == 1)
        let detail = diverged[0].detail
        let match = try #require(
            detail.wholeMatch(
                of:
                    /smoothed train loss [0-9.]+ at step ([0-9]+) is ([0-9.]+)× its minimum [0-9.]+ \(step ([0-9]+)\)/
            ), "\(detail)")
        let step = try #require(Int(match.1))
        let ratio = try #require(Double(match.2))
        let minimumStep = try #require(Int(match.3))
        #expect((201...250).contains(step), "\(detail)")
        #expect(ratio >= 2.0, "\(detail)")
        #expect((150...215).contains(minimumStep), "\(detail)")
    }

    /// Ten steps at 1.0 then 3.0: s = 3 − 2·0.9^k passes 2.0 at the 7th step at 3.0, and
    /// 2.5 at the 14th.
    @Test func divergedDetailIsExact() {
        let steps = (1...30).map { AlertStep(step: $0, trainLoss: $0 <= 10 ? 1.0 : 3.0) }
        let findings = AlertJudge.judge(Self.running(steps), now: Self.now, thresholds: Self.defaults)
        #expect(
            findings == [
                AlertFinding(
                    kind: .lossDiverged,
                    detail: "smoothed train loss 2.04 at step 17 is 2.04× its minimum 1 (step 1)")
            ])
        let higher = AlertThresholds(divergeRatio: 2.5)
        #expect(
            AlertJudge.judge(Self.running(steps), now: Self.now, thresholds: higher).map(\.detail) == [
                "smoothed train loss 2.54 at step 24 is 2.54× its minimum 1 (step 1)"
            ])
    }

    // MARK: - 5: non-finite train loss

    struct NonFiniteCase: Sendable, CustomTestStringConvertible {
        var loss: Double
        var detail: String
        var testDescription: String { "\(loss)" }
    }

    /// A legacy message `Step 57/1000: training loss=nan` (or `inf`) stored as such.
    @Test(arguments: [
        NonFiniteCase(loss: .nan, detail: "train loss is NaN at step 57"),
        NonFiniteCase(loss: .infinity, detail: "train loss is infinite (+inf) at step 57"),
        NonFiniteCase(loss: -.infinity, detail: "train loss is infinite (-inf) at step 57"),
    ])
    func nonFiniteTrainLossDiverges(_ item: NonFiniteCase) {
        var steps = Self.healthy(seed: 3)
        steps[56].trainLoss = item.loss
        let findings = AlertJudge.judge(Self.running(steps), now: Self.now, thresholds: Self.defaults)
        #expect(findings == [AlertFinding(kind: .lossDiverged, detail: item.detail)])
    }

    /// A non-finite validation loss is no reading and no divergence.
    @Test func nonFiniteValidationLossIsSkipped() {
        var steps = Self.healthy(seed: 3)
        steps[299].validLoss = .nan
        steps[399].validLoss = .infinity
        #expect(AlertJudge.judge(Self.running(steps), now: Self.now, thresholds: Self.defaults) == [])
    }

    // MARK: - 6: overfitting

    static let model = "ft:gpt-4o-mini-2024-07-18:org::abc"

    static func checkpoints(_ steps: [Int]) -> [CheckpointMark] {
        steps.map { CheckpointMark(step: $0, name: "\(model):ckpt-step-\($0)") }
    }

    /// Train falls all along (±10 %); validation falls to 0.412 at step 300, then rises 2.5 %
    /// every 10 steps (±1 %) up to step 500. `trainRises`: train climbs after step 300 too.
    static func overfit(seed: UInt64 = 11, trainRises: Bool = false) -> [AlertStep] {
        var generator = SplitMix64(state: seed)
        return (1...500).map { step in
            let trend =
                trainRises && step > 300 ? 0.5 + 0.002 * Double(step - 300) : 2.0 * exp(-Double(step) / 220)
            let train = trend * generator.noise(0.1)
            guard step % 10 == 0 else { return AlertStep(step: step, trainLoss: train) }
            let valid: Double
            if step < 300 {
                valid = (0.412 + 0.9 * pow(1 - Double(step) / 300, 1.5)) * generator.noise(0.01)
            } else if step == 300 {
                valid = 0.412
            } else {
                valid = 0.412 * (1 + 0.025 * Double(step - 300) / 10) * generator.noise(0.01)
            }
            return AlertStep(step: step, trainLoss: train, validLoss: valid)
        }
    }

    struct OverfitCase: Sendable, CustomTestStringConvertible {
        var checkpoints: [Int]
        var named: String
        var testDescription: String { "checkpoints \(checkpoints)" }
    }

    @Test(arguments: [
        OverfitCase(
            checkpoints: [100, 200, 300, 400, 500], named: "\(model):ckpt-step-300 (step 300)"),
        OverfitCase(checkpoints: [250, 400], named: "\(model):ckpt-step-250 (step 250)"),
        // As near: the earlier one.
        OverfitCase(checkpoints: [350, 250], named: "\(model):ckpt-step-250 (step 250)"),
        OverfitCase(checkpoints: [], named: "no checkpoint stored yet"),
    ])
    func validationRisingWhileTrainFallsOverfits(_ item: OverfitCase) throws {
        var facts = Self.running(Self.overfit())
        facts.checkpoints = Self.checkpoints(item.checkpoints)
        let findings = AlertJudge.judge(facts, now: Self.now, thresholds: Self.defaults)
        try #require(Self.kinds(findings) == [.overfitting])
        let detail = findings[0].detail
        let match = try #require(
            detail.wholeMatch(
                of:
                    /validation loss rose ([0-9]+) times in a row above its minimum 0\.412 at step 300 \(smoothed [0-9.]+ at step ([0-9]+)\) while train loss fell; nearest checkpoint: (.*)/
            ), "\(detail)")
        #expect(try #require(Int(match.1)) >= 3, "\(detail)")
        // It fires while the rise is young: within 15 readings of the minimum.
        #expect((330...450).contains(try #require(Int(match.2))), "\(detail)")
        #expect(match.3 == item.named, "\(detail)")
    }

    @Test func overfittingNeedsTheTrainLossToFall() {
        let findings = AlertJudge.judge(
            Self.running(Self.overfit(trainRises: true)), now: Self.now, thresholds: Self.defaults)
        #expect(!Self.kinds(findings).contains(.overfitting))
    }

    /// A lucky low first validation reading, then a plateau (±10 %) while train falls: the
    /// smoothed value climbs from that reading to the plateau, which is no turn.
    @Test(arguments: seeds)
    func luckyLowFirstReadingIsNoTurn(seed: UInt64) {
        var generator = SplitMix64(state: seed)
        let steps = (1...400).map { step in
            let train = 2.0 * exp(-Double(step) / 200) * generator.noise(0.1)
            let valid = step % 10 != 0 ? nil : step == 10 ? 0.5 : generator.noise(0.1)
            return AlertStep(step: step, trainLoss: train, validLoss: valid)
        }
        #expect(AlertJudge.judge(Self.running(steps), now: Self.now, thresholds: Self.defaults) == [])
    }

    @Test func overfittingPatienceCountsRises() throws {
        let long = AlertJudge.judge(
            Self.running(Self.overfit()), now: Self.now, thresholds: AlertThresholds(overfitPatience: 8))
        try #require(Self.kinds(long) == [.overfitting])
        let rises = try #require(long[0].detail.firstMatch(of: /rose ([0-9]+) times/).flatMap { Int($0.1) })
        #expect(rises >= 8, "\(long[0].detail)")
        // More rises than the curve has after its minimum never fire.
        let tooLong = AlertJudge.judge(
            Self.running(Self.overfit()), now: Self.now, thresholds: AlertThresholds(overfitPatience: 25))
        #expect(tooLong == [])
    }

    @Test func checkpointNameIsOneLine() throws {
        var facts = Self.running(Self.overfit())
        facts.checkpoints = [
            CheckpointMark(step: 300, name: "ft:evil\u{1B}]0;title\u{07}:ckpt\r\nstep-300\u{7F}\u{0}\u{85}x")
        ]
        let findings = AlertJudge.judge(facts, now: Self.now, thresholds: Self.defaults)
        try #require(Self.kinds(findings) == [.overfitting])
        Self.expectOneLine(findings)
        #expect(findings[0].detail.hasSuffix("nearest checkpoint: ft:evil:ckpt  step-300   x (step 300)"))

        facts.checkpoints = [CheckpointMark(step: 300, name: String(repeating: "a", count: 5000))]
        let long = AlertJudge.judge(facts, now: Self.now, thresholds: Self.defaults)
        #expect(long.first?.detail.hasSuffix(String(repeating: "a", count: 200) + "… (step 300)") == true)
    }

    @Test func nearestCheckpointSurvivesAbsurdSteps() {
        let marks = [CheckpointMark(step: .min, name: "low"), CheckpointMark(step: .max, name: "high")]
        #expect(AlertJudge.nearestCheckpoint(to: 300, in: marks) == "high (step \(Int.max))")
        #expect(AlertJudge.nearestCheckpoint(to: -5, in: marks) == "low (step \(Int.min))")
        #expect(
            AlertJudge.nearestCheckpoint(to: 300, in: Self.checkpoints([290, 310])).hasSuffix(
                "ckpt-step-290 (step 290)"))
        #expect(
            AlertJudge.nearestCheckpoint(to: 300, in: [CheckpointMark(step: 1, name: "\u{1B}[2J")])
                == "(unnamed) (step 1)")
    }

    // MARK: - 7: time kinds at their boundaries

    struct TimeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var status: String
        var waited: Int64?
        var silent: Int64?
        var thresholds = AlertThresholds()
        var expected: [AlertFinding]
        var testDescription: String { name }
    }

    static let timeCases: [TimeCase] = [
        TimeCase(name: "queued exactly 2 h", status: "queued", waited: 7200, expected: []),
        TimeCase(
            name: "queued 2 h 1 s", status: "queued", waited: 7201,
            expected: [.init(kind: .queuedTooLong, detail: "queued for 2 h (alerts.queued_after is 2 h)")]),
        TimeCase(
            name: "queued 2 h 5 min", status: "queued", waited: 7500,
            expected: [
                .init(kind: .queuedTooLong, detail: "queued for 2 h 5 min (alerts.queued_after is 2 h)")
            ]),
        TimeCase(
            name: "validating_files", status: "validating_files", waited: 7201,
            expected: [.init(kind: .queuedTooLong, detail: "queued for 2 h (alerts.queued_after is 2 h)")]),
        TimeCase(
            name: "Azure pending", status: "pending", waited: 90_061,
            expected: [.init(kind: .queuedTooLong, detail: "queued for 1 d 1 h (alerts.queued_after is 2 h)")]
        ),
        TimeCase(
            name: "queued_after 0", status: "queued", waited: 1_000_000,
            thresholds: AlertThresholds(queuedAfter: 0),
            expected: []),
        TimeCase(
            name: "queued_after 60", status: "queued", waited: 61,
            thresholds: AlertThresholds(queuedAfter: 60),
            expected: [
                .init(kind: .queuedTooLong, detail: "queued for 1 min 1 s (alerts.queued_after is 1 min)")
            ]),
        TimeCase(name: "waiting since unknown", status: "queued", waited: nil, silent: 100_000, expected: []),
        TimeCase(
            name: "running is not waiting", status: "running", waited: 100_000, silent: 10, expected: []),
        TimeCase(name: "an unknown status is not waiting", status: "Queued", waited: 100_000, expected: []),
        TimeCase(name: "running exactly 30 min", status: "running", silent: 1800, expected: []),
        TimeCase(
            name: "running 30 min 1 s", status: "running", silent: 1801,
            expected: [
                .init(
                    kind: .stalled,
                    detail: "running with no new event for 30 min 1 s (alerts.stalled_after is 30 min)")
            ]),
        TimeCase(
            name: "running 31 min", status: "running", silent: 1860,
            expected: [
                .init(
                    kind: .stalled,
                    detail: "running with no new event for 31 min (alerts.stalled_after is 30 min)")
            ]),
        TimeCase(
            name: "stalled_after 0", status: "running", silent: 1_000_000,
            thresholds: AlertThresholds(stalledAfter: 0),
            expected: []),
        TimeCase(
            name: "stalled_after 45", status: "running", silent: 46,
            thresholds: AlertThresholds(stalledAfter: 45),
            expected: [
                .init(
                    kind: .stalled,
                    detail: "running with no new event for 46 s (alerts.stalled_after is 45 s)")
            ]),
        TimeCase(name: "paused is silent on purpose", status: "paused", silent: 1_000_000, expected: []),
        TimeCase(
            name: "queued is not stalled", status: "queued", waited: 10, silent: 1_000_000, expected: []),
        TimeCase(name: "silent since unknown", status: "running", silent: nil, expected: []),
        TimeCase(name: "a clock behind the events", status: "running", silent: -5000, expected: []),
        TimeCase(
            name: "everything off", status: "queued", waited: 1_000_000,
            thresholds: AlertThresholds(queuedAfter: 0, stalledAfter: 0, divergeRatio: 0, overfitPatience: 0),
            expected: []),
    ]

    @Test(arguments: timeCases)
    func timeKindsAtTheirBoundaries(_ item: TimeCase) {
        let facts = AlertFacts(
            status: item.status, waitingSince: item.waited.map { Self.now - $0 },
            silentSince: item.silent.map { Self.now - $0 })
        #expect(AlertJudge.judge(facts, now: Self.now, thresholds: item.thresholds) == item.expected)
    }

    @Test func absurdTimestampsAreNoEvidence() {
        let facts = AlertFacts(status: "queued", waitingSince: .min, silentSince: .min)
        #expect(AlertJudge.judge(facts, now: .max, thresholds: Self.defaults) == [])
        let running = AlertFacts(status: "running", silentSince: .min)
        #expect(AlertJudge.judge(running, now: 1, thresholds: Self.defaults) == [])
    }

    // MARK: - 8: fired, unread steps, the baseline

    /// Stalled, and the overfitting curve with a NaN train loss at its last step: three kinds.
    static func everything() -> AlertFacts {
        var steps = overfit()
        steps.append(AlertStep(step: 501, trainLoss: .nan))
        return AlertFacts(
            status: "running", silentSince: now - 3600, steps: steps, checkpoints: checkpoints([300]))
    }

    @Test func findingsComeInKindOrder() {
        let findings = AlertJudge.judge(Self.everything(), now: Self.now, thresholds: Self.defaults)
        #expect(Self.kinds(findings) == [.stalled, .lossDiverged, .overfitting])
        Self.expectOneLine(findings)
    }

    @Test(arguments: AlertKind.allCases)
    func firedKindsNeverFireAgain(_ kind: AlertKind) {
        var facts = Self.everything()
        if kind == .queuedTooLong {
            facts.status = "queued"
            facts.waitingSince = Self.now - 100_000
        }
        #expect(Self.kinds(AlertJudge.judge(facts, now: Self.now, thresholds: Self.defaults)).contains(kind))
        facts.fired = [kind]
        #expect(!Self.kinds(AlertJudge.judge(facts, now: Self.now, thresholds: Self.defaults)).contains(kind))
        facts.fired = Set(AlertKind.allCases)
        #expect(AlertJudge.judge(facts, now: Self.now, thresholds: Self.defaults) == [])
    }

    @Test func lossThresholdsZeroTurnTheLossKindsOff() {
        let off = AlertThresholds(divergeRatio: 0, overfitPatience: 0)
        #expect(Self.kinds(AlertJudge.judge(Self.everything(), now: Self.now, thresholds: off)) == [.stalled])
    }

    @Test func unreadStepsJudgeNoLossKind() {
        var facts = Self.everything()
        facts.steps = nil
        #expect(Self.kinds(AlertJudge.judge(facts, now: Self.now, thresholds: Self.defaults)) == [.stalled])
    }

    /// Falls to 0.5 by step 100, climbs to 2.0 by step 150, falls back to 0.4 by step 250
    /// and stays there to step 400.
    static func divergedAndRecovered() -> [AlertStep] {
        curve(seed: 17, steps: 400, trainNoise: 0.1, validNoise: 0.1) { step in
            switch step {
            case ...100: 2.0 - 1.5 * Double(step - 1) / 99
            case ...150: 0.5 + 1.5 * Double(step - 100) / 50
            case ...250: 2.0 - 1.6 * Double(step - 150) / 100
            default: 0.4
            }
        }
    }

    struct BaselineCase: Sendable, CustomTestStringConvertible {
        var judgedFromStep: Int?
        var fires: Bool
        var testDescription: String { "judged from \(judgedFromStep.map(String.init) ?? "the start")" }
    }

    @Test(arguments: [
        BaselineCase(judgedFromStep: nil, fires: true),
        // Still diverged after the baseline: it fires.
        BaselineCase(judgedFromStep: 150, fires: true),
        // Diverged and recovered wholly before the baseline: it does not.
        BaselineCase(judgedFromStep: 260, fires: false),
    ])
    func divergenceBeforeTheBaselineIsNotJudged(_ item: BaselineCase) throws {
        let facts = Self.running(Self.divergedAndRecovered(), judgedFromStep: item.judgedFromStep)
        let diverged = AlertJudge.judge(facts, now: Self.now, thresholds: Self.defaults).filter {
            $0.kind == .lossDiverged
        }
        #expect(diverged.count == (item.fires ? 1 : 0))
        if let baseline = item.judgedFromStep, let detail = diverged.first?.detail {
            let step = try #require(detail.firstMatch(of: /at step ([0-9]+) is/).flatMap { Int($0.1) })
            #expect(step > baseline, "\(detail)")
        }
    }

    @Test func nonFiniteLossBeforeTheBaselineIsNotJudged() {
        var steps = Self.healthy(seed: 5)
        steps[56].trainLoss = .nan
        #expect(
            AlertJudge.judge(
                Self.running(steps, judgedFromStep: 57), now: Self.now, thresholds: Self.defaults) == [])
        #expect(
            AlertJudge.judge(
                Self.running(steps, judgedFromStep: 56), now: Self.now, thresholds: Self.defaults)
                == [AlertFinding(kind: .lossDiverged, detail: "train loss is NaN at step 57")])
    }

    @Test func overfittingBeforeTheBaselineIsNotJudged() {
        let judgedLate = Self.running(Self.overfit(), judgedFromStep: 500)
        #expect(AlertJudge.judge(judgedLate, now: Self.now, thresholds: Self.defaults) == [])
        let judgedAtTheMinimum = Self.running(Self.overfit(), judgedFromStep: 300)
        #expect(
            Self.kinds(AlertJudge.judge(judgedAtTheMinimum, now: Self.now, thresholds: Self.defaults)) == [
                .overfitting
            ])
    }

    // MARK: - 9: too few steps

    @Test func fewerThanTenStepsNeverDivergeOnTheirRatio() {
        let nine = [0.1] + Array(repeating: 5.0, count: 8)
        let steps = nine.enumerated().map { AlertStep(step: $0.offset + 1, trainLoss: $0.element) }
        #expect(AlertJudge.judge(Self.running(steps), now: Self.now, thresholds: Self.defaults) == [])
        let ten = steps + [AlertStep(step: 10, trainLoss: 5.0)]
        #expect(
            Self.kinds(AlertJudge.judge(Self.running(ten), now: Self.now, thresholds: Self.defaults)) == [
                .lossDiverged
            ])
        // Steps without a train loss do not count toward the ten.
        let withGap = steps + [AlertStep(step: 10, trainLoss: nil, validLoss: 1.0)]
        #expect(AlertJudge.judge(Self.running(withGap), now: Self.now, thresholds: Self.defaults) == [])
        // Non-finite fires at once.
        let early = [AlertStep(step: 1, trainLoss: 2.0), AlertStep(step: 2, trainLoss: .infinity)]
        #expect(
            Self.kinds(AlertJudge.judge(Self.running(early), now: Self.now, thresholds: Self.defaults)) == [
                .lossDiverged
            ])
    }

    // MARK: - 10: the simulator's own curve

    @Test(arguments: [(UInt64(1), 60), (2, 300), (3, 1000), (4, 3000)])
    func simulatorCurveIsHealthy(seed: UInt64, totalSteps: Int) {
        let curve = LossCurve(
            seed: seed, totalSteps: totalSteps, stepsPerEpoch: totalSteps / 3, hasValidation: true)
        let steps = (1...totalSteps).map { step in
            let metrics = curve.metrics(step: step)
            return AlertStep(step: step, trainLoss: metrics.trainLoss, validLoss: metrics.validLoss)
        }
        #expect(AlertJudge.judge(Self.running(steps), now: Self.now, thresholds: Self.defaults) == [])
    }

    // MARK: - Text

    @Test(arguments: [
        (Int64(0), "0 s"), (45, "45 s"), (60, "1 min"), (1801, "30 min 1 s"), (1860, "31 min"),
        (7200, "2 h"), (7500, "2 h 5 min"), (86_400, "1 d"), (90_061, "1 d 1 h"),
    ])
    func durations(seconds: Int64, text: String) {
        #expect(AlertJudge.duration(seconds) == text)
    }

    @Test(arguments: [
        (0.412, "0.412"), (1.83, "1.83"), (0.76, "0.76"), (1.0, "1"), (12.345, "12.3"),
        (0.000123, "0.000123"), (123_456.7, "123457"),
    ])
    func numbers(value: Double, text: String) {
        #expect(AlertJudge.number(value) == text)
    }

    @Test(arguments: [(2.0434, "2.04"), (2.4, "2.40"), (12.34, "12.3"), (250.4, "250")])
    func multiples(value: Double, text: String) {
        #expect(AlertJudge.multiple(value) == text)
    }
}
