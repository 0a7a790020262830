import FTDModel
import Foundation

/// How a store turns a job's stored columns into what `AlertJudge` judges, and keeps
/// where the loss rules stopped (SPEC section 10): shared by the SQLite and the
/// PostgreSQL store, so that the same rows fire the same alerts in both. Each store only
/// reads the columns and writes what this says.
package enum AlertJudging {
    /// Whether any loss kind is judged with these thresholds.
    package static func judgesLoss(_ thresholds: AlertThresholds) -> Bool {
        thresholds.divergeRatio > 0 || thresholds.overfitPatience > 0
    }

    /// The facts of one job, before its curve is read.
    /// - Parameters:
    ///   - watchedSince: `alert_watch.since`, for a job active at the baseline.
    ///   - judgedFromStep: `alert_watch.from_step`.
    ///   - lastEventAt: its newest event's `created_at`.
    ///   - statusSince: when it was last seen entering its current status.
    ///   - fired: the kinds stored in `alerts` for it (unknown ones are left out).
    package static func facts(
        status: String, createdAt: Int64?, firstSeenAt: Int64, watchedSince: Int64?, judgedFromStep: Int?,
        lastEventAt: Int64?, statusSince: Int64?, fired: [String]
    ) -> AlertFacts {
        // A job was created by the time ftd first saw it: a `created_at` after that (the
        // API's clock ahead, or a hostile year 9999) would put its alerts off as long.
        let createdAt = min(createdAt ?? firstSeenAt, firstSeenAt)
        func latest(_ times: Int64?...) -> Int64? { times.compactMap { $0 }.max() }
        var facts = AlertFacts(
            status: status,
            waitingSince: latest(createdAt, watchedSince),
            // Silence counts from the newest event, or from when the job was seen entering
            // its status (a job resumed after a pause has said nothing yet).
            silentSince: latest(lastEventAt, statusSince, createdAt, watchedSince),
            judgedFromStep: judgedFromStep)
        facts.fired = Set(fired.compactMap(AlertKind.init(rawValue:)))
        return facts
    }

    /// Whether the job's curve is read for this judging: only a job that gained steps in
    /// this cycle can change what the loss kinds find, and not once both have fired.
    package static func readsCurve(_ facts: AlertFacts, gainedSteps: Bool, thresholds: AlertThresholds)
        -> Bool
    {
        judgesLoss(thresholds) && gainedSteps && !facts.fired.isSuperset(of: [.lossDiverged, .overfitting])
    }

    /// The stored scans, when the judging goes on from them: then only the steps above
    /// their `lastStep` are read. nil: the whole curve is read.
    package static func resumedScans(_ stored: LossScans?, _ facts: AlertFacts, thresholds: AlertThresholds)
        -> LossScans?
    {
        guard let stored, stored.continues(judgedFromStep: facts.judgedFromStep, thresholds: thresholds)
        else {
            return nil
        }
        return stored
    }

    /// What fires now, and the scans to save; nil when every kind has fired already (the
    /// job is not judged at all).
    package static func judgement(_ facts: AlertFacts, now: Int64, thresholds: AlertThresholds)
        -> AlertJudgement?
    {
        guard facts.fired.count < AlertKind.allCases.count else { return nil }
        var facts = facts
        if facts.steps != nil, facts.fired.isSuperset(of: [.lossDiverged, .overfitting]) {
            facts.steps = nil
        }
        return AlertJudge.judgement(facts, now: now, thresholds: thresholds)
    }

    /// The alerts of `findings`, as stored and delivered. `latestStep` is the job's highest
    /// stored step (SPEC: `alert.step`).
    package static func alerts(_ findings: [AlertFinding], job: JobKey, at time: Int64, latestStep: Int?)
        -> [JobAlert]
    {
        findings.map {
            JobAlert(
                account: job.account, jobID: job.id, kind: $0.kind, detail: $0.detail, observedAt: time,
                step: latestStep)
        }
    }

    /// One stored step as the judge reads it, its non-finite losses put back. The
    /// validation loss is `valid_loss`, else the step's `full_valid_loss`.
    package static func step(
        jobID: String, step: Int, trainLoss: Double?, validLoss: Double?, fullValidLoss: Double?,
        nonFinite: String?
    ) -> AlertStep {
        var loss = LossStep(
            jobID: jobID, step: step, trainLoss: trainLoss, validLoss: validLoss, fullValidLoss: fullValidLoss
        )
        if let nonFinite { NonFiniteLosses.restore(nonFinite, into: &loss) }
        return AlertStep(
            step: loss.step, trainLoss: loss.trainLoss, validLoss: loss.validLoss ?? loss.fullValidLoss)
    }

    /// For each job of `steps`, its lowest step: stored scans that stopped at or above it
    /// judged a curve that changed (a late event, another process's sync), and are dropped.
    package static func lowestSteps(_ steps: [LossStep]) -> [String: Int] {
        var lowest: [String: Int] = [:]
        for step in steps { lowest[step.jobID] = min(lowest[step.jobID] ?? .max, step.step) }
        return lowest
    }

    // MARK: The scans' text

    /// The scans are JSON; a sum of the noise may be infinite, which JSON cannot spell.
    private static let scanStrategy = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    /// Stored scans; nil when they cannot be read (then the whole curve is judged again,
    /// and they are written anew).
    package static func decodedScans(_ text: String) -> LossScans? {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: scanStrategy.positiveInfinity, negativeInfinity: scanStrategy.negativeInfinity,
            nan: scanStrategy.nan)
        return try? decoder.decode(LossScans.self, from: Data(text.utf8))
    }

    /// The text of `scans` and the step they stopped at; nil when they took no step
    /// (nothing to go on from).
    package static func encodedScans(_ scans: LossScans) throws -> (lastStep: Int, state: String)? {
        guard let lastStep = scans.lastStep else { return nil }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: scanStrategy.positiveInfinity, negativeInfinity: scanStrategy.negativeInfinity,
            nan: scanStrategy.nan)
        return (lastStep, String(decoding: try encoder.encode(scans), as: UTF8.self))
    }
}
