import Foundation

/// One fine-tuning event, as the events endpoint shows it.
struct TimelineEvent: Sendable, Equatable {
    let id: String
    let createdAt: Int64
    let level: String
    let message: String
    let type: String
    /// `.null`: the event has no `data` at all, as the API's older step messages had none.
    let data: SimJSON
}

extension JobTimeline {
    /// Every event visible at `now`, oldest first.
    func events(at now: Double) -> [TimelineEvent] {
        var timed: [(time: Double, rank: Int, event: TimelineEvent)] = []
        func add(
            _ offset: Double, key: Int, _ message: String, level: String = "info", type: String = "message",
            data: SimJSON = .object([])
        ) {
            let time = simulatedTime(ofActive: offset)
            let event = TimelineEvent(
                id: job.eventID(key), createdAt: Self.seconds(time), level: level,
                message: message, type: type, data: data
            )
            timed.append((time, 0, event))
        }
        let active = activeElapsed(at: now)
        guard now >= job.createdAt else { return [] }

        if job.flavor == .azure {
            addAzureMilestones(active: active, now: now, add: add)
        } else {
            add(0, key: 0, "Created fine-tuning job: \(job.id)")
            var validating = "Validating training file: \(script.trainingFile ?? "")"
            if let validationFile = script.validationFile {
                validating += " and validation file: \(validationFile)"
            }
            add(0, key: 1, validating)
            if active >= validationEnd {
                if failsWhileValidating, let failure {
                    add(validationEnd, key: 3, failure.message, level: "error")
                } else {
                    add(validationEnd, key: 2, "Files validated, moving job to queued state")
                }
            }
            if active >= trainingStart, !failsWhileValidating {
                add(trainingStart, key: 4, "Fine-tuning job started")
                addStepEvents(upTo: completedSteps(at: now), add: add)
            }
            if active >= endOffset, !failsWhileValidating {
                if let failure {
                    add(endOffset, key: 50, failure.message, level: "error")
                } else {
                    add(endOffset, key: 60, "New fine-tuned model created: \(job.fineTunedModel)")
                    add(endOffset, key: 61, "The job has successfully completed")
                }
            }
        }
        for (index, intervention) in job.interventions.enumerated() where intervention.at <= now {
            let event = TimelineEvent(
                id: job.eventID(1_000_000 + index), createdAt: Self.seconds(intervention.at),
                level: "info", message: Self.message(for: intervention.kind, flavor: job.flavor),
                type: "message",
                data: .object([])
            )
            timed.append((intervention.at, 1, event))
        }
        // Stable: equal times keep the order they were added in (milestones before interventions).
        return timed.enumerated()
            .sorted {
                ($0.element.time, $0.element.rank, $0.offset) < ($1.element.time, $1.element.rank, $1.offset)
            }
            .map(\.element.event)
    }

    private typealias AddEvent = (Double, Int, String, String, String, SimJSON) -> Void

    /// Azure's texts (the 2024-10-21 REST reference's example, docs/azure.md): enqueued,
    /// started, the same step metrics, succeeded. No validation events: Azure shows the
    /// whole validating and queued span as `pending`.
    private func addAzureMilestones(active: Double, now: Double, add: AddEvent) {
        add(0, 0, "Job enqueued. Waiting for jobs ahead to complete.", "info", "message", .object([]))
        if failsWhileValidating {
            if active >= validationEnd, let failure {
                add(validationEnd, 3, failure.message, "error", "message", .object([]))
                add(validationEnd, 5, "Job failed.", "error", "message", .object([]))
            }
            return
        }
        if active >= trainingStart {
            add(trainingStart, 4, "Job started.", "info", "message", .object([]))
            addStepEvents(upTo: completedSteps(at: now), add: add)
        }
        if active >= endOffset {
            if let failure {
                add(endOffset, 50, failure.message, "error", "message", .object([]))
                add(endOffset, 51, "Job failed.", "error", "message", .object([]))
            } else {
                add(
                    endOffset, 60, "Completed results file: \(job.resultFileID)", "info", "message",
                    .object([]))
                add(endOffset, 61, "Job succeeded.", "info", "message", .object([]))
            }
        }
    }

    private func addStepEvents(
        upTo steps: Int,
        add: (Double, Int, String, String, String, SimJSON) -> Void
    ) {
        guard steps > 0 else { return }
        let total = script.totalSteps
        let curve = lossCurve
        let intermediate = Set(checkpointSteps.filter { $0 < total })
        for step in 1...steps {
            let metrics = curve.metrics(step: step)
            if metrics.isLegacyMessage {
                add(
                    stepOffset(step), 100 + 2 * step, Self.stepMessage(metrics, total: total), "info",
                    "message", .null)
            } else {
                add(
                    stepOffset(step), 100 + 2 * step, Self.stepMessage(metrics, total: total), "info",
                    "metrics",
                    Self.eventData(metrics, total: total))
            }
            if intermediate.contains(step) {
                let name = "\(job.fineTunedModel):ckpt-step-\(step)"
                add(
                    stepOffset(step), 101 + 2 * step,
                    "Checkpoint created at step \(step) with Snapshot ID: \(name)", "info", "message",
                    .object([]))
            }
        }
    }

    static func stepMessage(_ metrics: StepMetrics, total: Int) -> String {
        var message = "Step \(metrics.step)/\(total): training loss=\(twoDecimals(metrics.trainLoss))"
        if let valid = metrics.validLoss { message += ", validation loss=\(twoDecimals(valid))" }
        if let full = metrics.fullValidLoss { message += ", full validation loss=\(twoDecimals(full))" }
        return message
    }

    static func eventData(_ metrics: StepMetrics, total: Int) -> SimJSON {
        var pairs: [(String, SimJSON)] = [
            ("step", .int(Int64(metrics.step))),
            ("train_loss", .double(metrics.trainLoss)),
            ("total_steps", .int(Int64(total))),
            ("train_mean_token_accuracy", .double(metrics.trainAccuracy)),
        ]
        if let value = metrics.validLoss { pairs.append(("valid_loss", .double(value))) }
        if let value = metrics.validAccuracy { pairs.append(("valid_mean_token_accuracy", .double(value))) }
        if let value = metrics.fullValidLoss { pairs.append(("full_valid_loss", .double(value))) }
        if let value = metrics.fullValidAccuracy {
            pairs.append(("full_valid_mean_token_accuracy", .double(value)))
        }
        return .object(pairs)
    }

    static func twoDecimals(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    static func message(for kind: Intervention.Kind, flavor: SimulatorFlavor = .openai) -> String {
        if flavor == .azure {
            switch kind {
            case .pause: return "Job paused."
            case .resume: return "Job resumed."
            case .cancel: return "Job cancelled."
            }
        }
        switch kind {
        case .pause: return "Fine-tuning job paused"
        case .resume: return "Fine-tuning job resumed"
        case .cancel: return "Fine-tuning job cancelled"
        }
    }
}
