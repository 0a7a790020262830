/// The pure life of one job: given its script, the interventions on it and a simulated
/// time, where it stands. Time spent paused does not count as progress ("active" time).
struct JobTimeline: Sendable {
    let job: SimulatedJob

    init(job: SimulatedJob) {
        self.job = job
    }

    var script: JobScript { job.script }
    private var durations: JobDurations { script.durations }

    // MARK: Phase boundaries, in active seconds since creation

    var validationEnd: Double { durations.validating }
    var trainingStart: Double { validationEnd + durations.queued }

    func stepOffset(_ step: Int) -> Double {
        trainingStart + Double(step) * durations.perStep
    }

    /// Steps the job will train before it ends (all of them, fewer when it fails early).
    var plannedSteps: Int {
        switch script.outcome {
        case .succeed: return script.totalSteps
        case .fail(_, let afterStep?): return min(max(0, afterStep), script.totalSteps)
        case .fail(_, nil): return 0
        case .stall(let afterStep): return min(max(0, afterStep), script.totalSteps)
        }
    }

    var failure: JobFailure? {
        if case .fail(let failure, _) = script.outcome { return failure }
        return nil
    }

    var failsWhileValidating: Bool {
        if case .fail(_, nil) = script.outcome { return true }
        return false
    }

    /// When the job would succeed if nothing stopped it.
    var successOffset: Double { stepOffset(script.totalSteps) + durations.finishing }

    /// When the job reaches its scripted terminal status.
    var endOffset: Double {
        switch script.outcome {
        case .succeed: return successOffset
        case .fail(_, nil): return validationEnd
        case .fail: return stepOffset(plannedSteps)
        case .stall: return .infinity  // running until cancelled
        }
    }

    /// Epoch ends of the last three epochs (`keptCheckpointEpochs`): the checkpoints the API keeps.
    var checkpointSteps: [Int] {
        let perEpoch = script.examples
        guard perEpoch > 0 else { return [] }
        let firstEpoch = max(1, script.epochs - max(1, script.keptCheckpointEpochs) + 1)
        return (firstEpoch...script.epochs).map { $0 * perEpoch }
    }

    // MARK: Pauses and cancellation

    var cancelledAt: Double? {
        job.interventions.first { $0.kind == .cancel }?.at
    }

    /// Paused spans in simulated time; `end` is nil while still paused.
    var pauses: [(start: Double, end: Double?)] {
        var spans: [(start: Double, end: Double?)] = []
        for intervention in job.interventions {
            switch intervention.kind {
            case .pause: spans.append((intervention.at, nil))
            case .resume:
                if let last = spans.last, last.end == nil {
                    spans[spans.count - 1].end = intervention.at
                }
            case .cancel: break
            }
        }
        return spans
    }

    /// Active seconds since creation at simulated time `now` (frozen once cancelled).
    func activeElapsed(at now: Double) -> Double {
        let until = min(now, cancelledAt ?? now)
        var elapsed = until - job.createdAt
        for span in pauses where span.start < until {
            elapsed -= min(span.end ?? until, until) - span.start
        }
        return max(0, elapsed)
    }

    /// The earliest simulated time at which the job has `active` seconds of progress;
    /// infinity when an open pause comes first.
    func simulatedTime(ofActive active: Double) -> Double {
        var time = job.createdAt + active
        for span in pauses where span.start < time {
            guard let end = span.end else { return .infinity }
            time += end - span.start
        }
        return time
    }

    func isPaused(at now: Double) -> Bool {
        guard let last = job.interventions.last(where: { $0.at <= now }) else { return false }
        return last.kind == .pause
    }

    // MARK: Status

    func status(at now: Double) -> String {
        if let cancelledAt, cancelledAt <= now { return "cancelled" }
        if isPaused(at: now) { return "paused" }
        return phaseStatus(active: activeElapsed(at: now))
    }

    func phaseStatus(active: Double) -> String {
        if active < validationEnd { return "validating_files" }
        if failsWhileValidating { return "failed" }
        if active < trainingStart { return "queued" }
        if active < endOffset { return "running" }
        return failure == nil ? "succeeded" : "failed"
    }

    /// Training steps finished by `now`.
    func completedSteps(at now: Double) -> Int {
        let active = activeElapsed(at: now)
        guard active >= trainingStart, durations.perStep > 0 else {
            return active >= trainingStart ? plannedSteps : 0
        }
        let done = Int(((active - trainingStart) / durations.perStep).rounded(.down))
        return min(plannedSteps, done)
    }

    var lossCurve: LossCurve {
        LossCurve(
            seed: job.generatorSeed,
            totalSteps: script.totalSteps,
            stepsPerEpoch: script.examples,
            hasValidation: script.validationFile != nil,
            shape: script.lossShape
        )
    }
}
