import Foundation

/// The rules of SPEC section 10, one function per kind: each answers the finding's detail
/// or nil. `AlertJudge.judge` asks them in `AlertKind.allCases` order.
extension AlertJudge {
    /// The statuses of a job waiting to start: OpenAI's `validating_files` and `queued`, and
    /// Azure's `pending`, which it sends for both (docs/azure.md lists no other status
    /// before `running`). Statuses are compared as stored: an unknown one never waits.
    public static let waitingStatuses: Set<String> = ["validating_files", "queued", "pending"]

    /// Raised whenever a rule below changes what it computes from the same steps: saved
    /// `LossScans` of other rules are then not gone on from.
    public static let rulesVersion = 1

    /// The weight of the previous value in the smoothed losses (SPEC: 0.9).
    static let smoothingWeight = 0.9

    /// Readings a smoothed loss needs before it is judged: train steps before `loss_diverged`
    /// may fire on its ratio (SPEC: "after at least 10 steps"), validation readings before
    /// `overfitting` tracks their minimum (until then it is their even average, still noisy).
    static let warmUpReadings = 10

    /// The smallest rise of the smoothed validation loss above its minimum, as a fraction of
    /// it, that `overfitting` takes for a turn rather than noise; see `overfittingDetail`.
    static let overfitMarginFloor = 0.02
    /// How many times the validation readings' noise the smoothed validation loss must rise
    /// above its minimum; see `overfittingDetail`.
    static let overfitNoiseFactor = 3.0

    /// The longest checkpoint name a detail quotes, in characters.
    static let checkpointNameLimit = 200

    static func judgement(of facts: AlertFacts, now: Int64, thresholds: AlertThresholds) -> AlertJudgement {
        let loss = facts.steps.map { lossFindings($0, facts, thresholds: thresholds) }
        let findings: [AlertFinding] = AlertKind.allCases.compactMap { kind in
            guard !facts.fired.contains(kind) else { return nil }
            let detail: String?
            switch kind {
            case .queuedTooLong:
                detail = queuedDetail(facts, now: now, after: thresholds.queuedAfter)
            case .stalled:
                detail = stalledDetail(facts, now: now, after: thresholds.stalledAfter)
            case .lossDiverged:
                detail = loss?.diverged
            case .overfitting:
                detail = loss?.overfitting
            }
            return detail.map { AlertFinding(kind: kind, detail: $0) }
        }
        return AlertJudgement(findings: findings, scans: loss?.scans)
    }

    /// The loss kinds over `steps`, from `facts.scans` when they go on with these
    /// thresholds (the steps then are those above its last one), else from the start.
    /// Each rule stops at its first finding, or at once when its kind has fired.
    private static func lossFindings(_ steps: [AlertStep], _ facts: AlertFacts, thresholds: AlertThresholds)
        -> (diverged: String?, overfitting: String?, scans: LossScans)
    {
        var scans = facts.scans ?? LossScans(judgedFromStep: facts.judgedFromStep, thresholds: thresholds)
        if !scans.continues(judgedFromStep: facts.judgedFromStep, thresholds: thresholds) {
            scans = LossScans(judgedFromStep: facts.judgedFromStep, thresholds: thresholds)
        }
        var diverged: String?
        var overfitting: String?
        let judgesDiverged = thresholds.divergeRatio > 0 && !facts.fired.contains(.lossDiverged)
        let judgesOverfitting = thresholds.overfitPatience > 0 && !facts.fired.contains(.overfitting)
        for step in steps where scans.lastStep.map({ step.step > $0 }) ?? true {
            if judgesDiverged, diverged == nil {
                diverged = scans.diverged.take(
                    step, judgedFromStep: facts.judgedFromStep, ratio: thresholds.divergeRatio,
                    weight: smoothingWeight)
            }
            if judgesOverfitting, overfitting == nil {
                overfitting = scans.overfitting.take(
                    step, judgedFromStep: facts.judgedFromStep, patience: thresholds.overfitPatience,
                    checkpoints: facts.checkpoints, marginFloor: overfitMarginFloor,
                    noiseFactor: overfitNoiseFactor)
            }
            scans.lastStep = step.step
        }
        return (diverged, overfitting, scans)
    }

    // MARK: - Time

    /// `queued_too_long`: waiting longer than `after` seconds (exactly `after` is not longer).
    static func queuedDetail(_ facts: AlertFacts, now: Int64, after: Int) -> String? {
        guard after > 0, waitingStatuses.contains(facts.status),
            let waited = elapsed(since: facts.waitingSince, now: now), waited > Int64(after)
        else { return nil }
        return "queued for \(duration(waited)) (alerts.queued_after is \(duration(Int64(after))))"
    }

    /// `stalled`: `running` (only: a paused job is silent on purpose) with no new event for
    /// longer than `after` seconds.
    static func stalledDetail(_ facts: AlertFacts, now: Int64, after: Int) -> String? {
        guard after > 0, facts.status == "running",
            let silent = elapsed(since: facts.silentSince, now: now), silent > Int64(after)
        else { return nil }
        return "running with no new event for \(duration(silent)) "
            + "(alerts.stalled_after is \(duration(Int64(after))))"
    }

    /// Seconds from `since` to `now`; nil when unknown or too far apart to count (a
    /// timestamp so absurd that the subtraction overflows is no evidence of waiting).
    private static func elapsed(since: Int64?, now: Int64) -> Int64? {
        guard let since else { return nil }
        let (seconds, overflow) = now.subtractingReportingOverflow(since)
        return overflow ? nil : seconds
    }

    // MARK: - Train loss

    /// `loss_diverged`, scanning the steps in order and answering the first that holds at a
    /// step above `judgedFromStep`: a non-finite train loss, or, once 10 steps have a finite
    /// train loss, the smoothed train loss (EMA: s = 0.9·s + 0.1·x from the first finite
    /// value; non-finite values are left out of it) above `ratio` × its minimum so far.
    ///
    /// One step at 10× the loss lifts the smoothed value by 0.9× the loss, to about 1.9× its
    /// level: below the default ratio of 2 (though where noise has put the minimum a few
    /// percent under the level, such a spike can just reach it), while a rise that lasts ten
    /// steps or so passes it.
    /// The minimum counts every step, those before `judgedFromStep` too; a minimum that is
    /// not positive (no cross-entropy is) never makes a ratio.
    ///
    /// `weight` is a parameter only so that a test can show what the rule would say
    /// unsmoothed.
    static func divergedDetail(
        _ steps: [AlertStep], judgedFromStep: Int?, ratio: Double, weight: Double = smoothingWeight
    ) -> String? {
        guard ratio > 0 else { return nil }
        var scan = DivergenceScan()
        for step in steps {
            if let detail = scan.take(step, judgedFromStep: judgedFromStep, ratio: ratio, weight: weight) {
                return detail
            }
        }
        return nil
    }

    static func nonFiniteName(_ loss: Double) -> String {
        loss.isNaN ? "NaN" : loss > 0 ? "infinite (+inf)" : "infinite (-inf)"
    }

    // MARK: - Validation loss

    /// `overfitting`: the validation loss turned and rises while the train loss still falls.
    ///
    /// The readings are the steps with a finite, positive validation loss (OpenAI validates
    /// every few steps, so most steps have none). They are smoothed by the train loss's EMA
    /// (weight 0.9 on the previous value), except that the first ten readings are averaged
    /// evenly (weight `min(0.9, 1 - 1/k)` at the k-th): an EMA started at its first value
    /// still holds a third of that one reading after ten, and a lucky low first reading
    /// followed by a plateau would look like a rise. The rule fires at the first reading
    /// above `judgedFromStep` where all of these hold:
    /// 1. the smoothed validation loss rose `patience` times in a row (each reading above
    ///    the smoothed value before it), every time after its minimum, which is tracked from
    ///    the 10th reading on;
    /// 2. it now stands above that minimum by more than `max(2 %, 3 × noise)`, the noise
    ///    being the mean distance of a reading from the midpoint of its two neighbours,
    ///    relative to the reading, over the readings so far;
    /// 3. the smoothed train loss now is below what it was at the minimum's reading.
    ///
    /// Why (2): a smoothed noisy curve rises a few readings in a row by chance all the time,
    /// and any fixed margin is too small for a noisy curve or too slow for a quiet one. The
    /// distance from the neighbours' midpoint measures the noise alone (a straight fall or
    /// rise has none), and the smoothed value wanders about a quarter of it, so three
    /// times the noise is a turn, not a wobble. Checked, before it was written here, on
    /// 1000 seeded curves each (falling, slowly falling and flat; uniform and log-normal
    /// noise up to ±35 %; 15 to 300 readings): no false finding. A validation loss rising
    /// 2.5 % a reading from its minimum with ±1 % noise fires about 15 readings after it.
    ///
    /// The detail names the lowest validation loss read so far and its step (what a user
    /// picks a checkpoint by; no smoothed value is below it), and the checkpoint nearest it.
    ///
    /// `marginFloor` and `noiseFactor` are parameters only so that a test can show what
    /// the rule would say without them.
    static func overfittingDetail(
        _ steps: [AlertStep], judgedFromStep: Int?, patience: Int, checkpoints: [CheckpointMark],
        marginFloor: Double = overfitMarginFloor, noiseFactor: Double = overfitNoiseFactor
    ) -> String? {
        guard patience > 0 else { return nil }
        var scan = OverfitScan()
        for step in steps {
            if let detail = scan.take(
                step, judgedFromStep: judgedFromStep, patience: patience, checkpoints: checkpoints,
                marginFloor: marginFloor, noiseFactor: noiseFactor)
            {
                return detail
            }
        }
        return nil
    }

    /// The checkpoint nearest `step` as `NAME (step N)`, the earlier one of two as near;
    /// "no checkpoint stored yet" when there is none.
    static func nearestCheckpoint(to step: Int, in checkpoints: [CheckpointMark]) -> String {
        // |a - b| without trapping: steps come from the API and may be anything.
        func gap(_ other: Int) -> UInt {
            other >= step ? UInt(bitPattern: other &- step) : UInt(bitPattern: step &- other)
        }
        let nearest = checkpoints.min { left, right in
            gap(left.step) != gap(right.step) ? gap(left.step) < gap(right.step) : left.step < right.step
        }
        guard let nearest else { return "no checkpoint stored yet" }
        return "\(oneLine(nearest.name)) (step \(nearest.step))"
    }

    // MARK: - Text

    /// A name from the API as part of one line: escape sequences removed, control
    /// characters and line breaks as spaces (`TerminalSanitizer.clean`), at most 200
    /// characters.
    static func oneLine(_ name: String) -> String {
        let clean = TerminalSanitizer.clean(name).trimmingCharacters(in: .whitespaces)
        guard !clean.isEmpty else { return "(unnamed)" }
        guard clean.count > checkpointNameLimit else { return clean }
        return String(clean.prefix(checkpointNameLimit)) + "…"
    }

    /// Seconds for people: the largest unit, and the next one down when not zero
    /// (`2 h 5 min`, `31 min`, `30 min 1 s`, `45 s`, `1 d 3 h`).
    static func duration(_ seconds: Int64) -> String {
        let units: [(size: Int64, name: String)] = [(86_400, "d"), (3_600, "h"), (60, "min"), (1, "s")]
        guard seconds > 0 else { return "0 s" }
        let index = units.firstIndex { seconds >= $0.size } ?? units.count - 1
        let unit = units[index]
        var text = "\(seconds / unit.size) \(unit.name)"
        if index + 1 < units.count {
            let next = units[index + 1]
            let rest = seconds % unit.size / next.size
            if rest > 0 { text += " \(rest) \(next.name)" }
        }
        return text
    }

    /// A loss for people: three significant digits (`0.412`, `1.83`, `0.76`), whole
    /// numbers from 1000 on, and a power of ten past 10^9 (not hundreds of digits).
    static func number(_ value: Double) -> String {
        if abs(value) >= 1e9 { return String(format: "%.3g", value) }
        return abs(value) >= 1000 ? String(format: "%.0f", value) : String(format: "%.3g", value)
    }

    /// A ratio for people: two decimals below 10 (`2.04`: the ratio at the moment it fires
    /// is barely above the threshold, and `2.0×` would read as equal to it), one below 100,
    /// whole numbers from 100 on.
    static func multiple(_ value: Double) -> String {
        if value >= 1e9 { return String(format: "%.3g", value) }
        return String(format: value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value)
    }
}
