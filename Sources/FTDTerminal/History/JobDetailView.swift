import FTDModel
import FTDStore

/// `ftd history JOB`: the job's header, its status timeline, checkpoints, loss curve,
/// hook runs and latest events, each line fitting the terminal.
///
/// The header names the job's account when it is not `default`, or when `accounts` says
/// the database holds jobs of several (SPEC section 8): the id alone does not say which.
public enum JobDetailView {
    /// The newest events shown.
    public static let eventCount = 8

    public static func render(
        _ detail: JobDetail, options: HistoryRenderOptions, eventCount: Int = JobDetailView.eventCount,
        accounts: Bool = false
    ) -> String {
        let width = options.width
        var sections = [header(detail.summary, options: options, accounts: accounts)]
        sections.append(timeline(detail, options: options))
        if !detail.alerts.isEmpty {
            sections.append(["Alerts"] + detail.alerts.map { alertLine($0, options: options) })
        }
        if !detail.checkpoints.isEmpty {
            sections.append(["Checkpoints"] + detail.checkpoints.map { checkpointLine($0, width: width) })
        }
        let curve = detail.curve ?? LossCurve(detail.steps)
        let chart = LossChart.render(curve, width: width)
        if !chart.isEmpty {
            let last = curve.final.map { step in
                step.totalSteps.map { "step \(step.step) of \($0)" } ?? "step \(step.step)"
            }
            sections.append(["Loss (\(curve.count) steps, up to \(last ?? "-"))"] + chart)
        }
        if !detail.hookRuns.isEmpty {
            sections.append(["Hook runs"] + detail.hookRuns.map { hookRunLine($0, width: width) })
        }
        if !detail.events.isEmpty {
            let shown = detail.events.suffix(eventCount)
            let total = max(detail.eventCount, detail.events.count)
            let title = shown.count < total ? "Last \(shown.count) of \(total) events" : "Events"
            sections.append([title] + shown.map { eventLine($0, width: width) })
        }
        // Coloured lines are laid out to fit already; cutting them could split an escape.
        return sections.map { lines in
            lines.map { $0.contains("\u{1B}") ? $0 : TerminalText.elideEnd($0, width) }
                .joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }

    /// `  12-07 09:12  stalled  running with no new event for 31 min (…)`: when it fired,
    /// its kind (painted as a failure would be), and its one line.
    static func alertLine(_ alert: JobAlert, options: HistoryRenderOptions) -> String {
        let kind = StatusStyle.paint(alert.kind.rawValue, status: "failed", color: options.color)
        let line =
            "  " + TerminalText.utc(alert.observedAt) + "  " + alert.kind.rawValue + "  "
            + clean(alert.detail)
        guard options.color else { return line }
        // Laid out to fit before it is painted: the escapes must not be cut.
        let fitted = TerminalText.elideEnd(line, options.width)
        return fitted.replacingOccurrences(of: "  " + alert.kind.rawValue + "  ", with: "  " + kind + "  ")
    }

    /// Every text of the API goes through this before it is laid out or elided.
    private static func clean(_ text: String) -> String { TerminalSanitizer.clean(text) }

    static func header(_ job: JobSummary, options: HistoryRenderOptions, accounts: Bool = false) -> [String] {
        var lines = [
            clean(job.id) + "  "
                + StatusStyle.paint(clean(job.status), status: job.status, color: options.color)
        ]
        func field(_ name: String, _ value: String) {
            lines.append("  " + TerminalText.padRight(name, 10) + value)
        }
        if accounts || job.account != DefaultAccount.name { field("account", clean(job.account)) }
        let model = job.model.map(clean) ?? "-"
        if let fineTuned = job.fineTunedModel.map(clean) {
            let room = options.width - 12 - model.count - 3
            field("model", model + " → " + TerminalText.elideMiddle(fineTuned, max(room, 12)))
        } else {
            field("model", model)
        }
        field("created", job.createdAt.map { TerminalText.utc($0) + " UTC" } ?? "-")
        if let finished = job.finishedAt {
            let took =
                job.createdAt.map {
                    "  (took \(TerminalText.duration(UnixTime.seconds(from: $0, to: finished))))"
                }
                ?? ""
            field("finished", TerminalText.utc(finished) + " UTC" + took)
        } else if let created = job.createdAt, !JobStatus.isTerminal(job.status) {
            field(
                "running",
                TerminalText.duration(UnixTime.seconds(from: created, to: options.now)) + " so far")
        }
        if let tokens = job.trainedTokens { field("trained", "\(tokens) tokens") }
        if let cost = costLine(job, prices: options.prices) { field("cost", cost) }
        if let error = job.error {
            let code = error.code.map { clean($0) + ": " } ?? ""
            let param = error.param.map { " (\(clean($0)))" } ?? ""
            field("error", code + (error.message.map(clean) ?? "no message") + param)
        }
        return lines
    }

    /// The job's cost, or why it has none when there are tokens to price; nil when there
    /// is nothing to say (no trained tokens yet and no estimate).
    static func costLine(_ job: JobSummary, prices: PriceBook) -> String? {
        if let cost = prices.cost(of: job) {
            guard cost.isEstimate, let estimate = job.estimatedTrainedTokens else {
                return TerminalText.cost(cost)
            }
            return TerminalText.cost(cost) + " (estimated: ~" + TerminalText.grouped(estimate)
                + " tokens, from ftd submit's check of the training file)"
        }
        let priced =
            job.trainedTokens != nil
            || (job.estimatedTrainedTokens != nil && !JobStatus.isTerminal(job.status))
        guard priced else { return nil }
        let model = job.model.map { clean(PriceBook.baseModel(of: $0)) } ?? "its model"
        return prices.azureAccounts.contains(job.account)
            ? "- (an Azure account's jobs are priced from [prices] only: add \(model) there)"
            : "- (no price for \(model): add it to [prices])"
    }

    /// Each status with when it was seen and how long it lasted until the next one.
    static func timeline(_ detail: JobDetail, options: HistoryRenderOptions) -> [String] {
        guard !detail.transitions.isEmpty else { return ["Timeline", "  no status recorded"] }
        let statusWidth = detail.transitions.map { clean($0.to).count }.max() ?? 0
        var lines = ["Timeline (UTC)"]
        for (index, transition) in detail.transitions.enumerated() {
            var lasted = ""
            if index + 1 < detail.transitions.count {
                lasted = TerminalText.duration(
                    UnixTime.seconds(
                        from: transition.observedAt, to: detail.transitions[index + 1].observedAt))
            } else if !JobStatus.isTerminal(transition.to) {
                lasted =
                    TerminalText.duration(UnixTime.seconds(from: transition.observedAt, to: options.now))
                    + " so far"
            }
            let status = StatusStyle.paint(
                TerminalText.padRight(clean(transition.to), statusWidth), status: transition.to,
                color: options.color)
            var line = "  " + TerminalText.utc(transition.observedAt) + "  " + status + "  " + lasted
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        return lines
    }

    static func checkpointLine(_ checkpoint: Checkpoint, width: Int) -> String {
        let step = TerminalText.padRight("step " + (checkpoint.stepNumber.map(String.init) ?? "?"), 10)
        var metrics = ""
        if let train = checkpoint.metrics?["train_loss"]?.doubleValue {
            metrics += "  train " + TerminalText.loss(train)
        }
        if let valid = checkpoint.metrics?["valid_loss"]?.doubleValue {
            metrics += "  valid " + TerminalText.loss(valid)
        }
        let name = clean(checkpoint.fineTunedModelCheckpoint ?? checkpoint.id)
        let room = width - 2 - step.count - metrics.count
        return "  " + step + TerminalText.elideMiddle(name, max(room, 12)) + metrics
    }

    static func hookRunLine(_ run: HookRunView, width: Int) -> String {
        let exit = run.exitCode.map { "exit \($0)" } ?? "killed"
        let duration = run.durationMs.map { "\($0) ms" } ?? ""
        return "  " + TerminalText.utc(run.startedAt) + "  " + clean(run.hook) + " #\(run.attempt)  "
            + clean(run.status) + "  " + exit + (duration.isEmpty ? "" : "  " + duration)
    }

    static func eventLine(_ event: JobEvent, width: Int) -> String {
        let prefix =
            "  " + TerminalText.utc(event.createdAt) + "  " + TerminalText.padRight(clean(event.level), 5)
            + "  "
        return prefix + TerminalText.elideEnd(clean(event.message), max(width - prefix.count, 1))
    }
}
