import ArgumentParser
import FTDAPI
import FTDConfig
import FTDDaemon
import FTDModel
import FTDTerminal
import Foundation
import UnixSignals

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow one job live until it ends; exit 0 if it succeeded, 1 otherwise.",
        discussion: """
            On a terminal the view is redrawn in place: status, elapsed time, a progress \
            bar with rate and ETA, the latest losses with sparklines, and the latest \
            messages. Otherwise (a pipe, a log) it prints plain lines: status changes, new \
            messages, and progress each tenth of the way. What it sees is recorded in the \
            database like the daemon's cycles; hooks for it run in the daemon. Ctrl-C stops \
            watching (exit 130); the job goes on.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var accountOption: AccountOption

    @Argument(help: "The job: its id, or a unique prefix of a job in the local database.")
    var jobID: String

    @Option(help: "Seconds between looks (default: the configuration's poll.interval, at most 5).")
    var interval: Int?

    func validate() throws {
        if let interval, interval < 1 { throw ValidationError("--interval must be at least 1 second") }
    }

    func run() async throws {
        let status = try await WorkflowSession.with(global, account: accountOption) { session in
            try await Self.follow(
                jobID: try await session.resolveJobID(jobID), session: session,
                interval: interval ?? Self.defaultInterval(session.configuration))
        }
        throw ExitCode(status)
    }

    /// Two requests a look (the job, its new events): a live view can afford one every
    /// few seconds, where the daemon, following every job, uses `poll.interval`.
    static func defaultInterval(_ configuration: Configuration) -> Int {
        min(configuration.poll.interval, 5)
    }

    /// Follows the job until it ends or SIGINT/SIGTERM; returns the exit status.
    static func follow(jobID: String, session: WorkflowSession, interval: Int) async throws -> Int32 {
        let renderer = WatchRenderer(tty: Terminal.stdoutIsTTY, color: Terminal.stdoutSupportsColor)
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        // A log line (a retry, a failed request) goes above the live block, not into it.
        return try await StderrLines.divert(to: renderer.note) {
            try await follow(
                jobID: jobID, session: session, interval: interval, renderer: renderer, signals: signals)
        }
    }

    private static func follow(
        jobID: String, session: WorkflowSession, interval: Int, renderer: WatchRenderer,
        signals: UnixSignalsSequence
    ) async throws -> Int32 {
        try await withThrowingTaskGroup(of: Int32.self) { group in
            group.addTask {
                for await _ in signals { return 130 }
                return 130
            }
            group.addTask {
                try await loop(jobID: jobID, session: session, interval: interval, renderer: renderer)
            }
            let status = try await group.next() ?? 1
            group.cancelAll()
            renderer.finish(interrupted: status == 130, jobID: jobID)
            return status
        }
    }

    private static func loop(jobID: String, session: WorkflowSession, interval: Int, renderer: WatchRenderer)
        async throws -> Int32
    {
        while true {
            let job: FineTuningJob
            do {
                job = try await session.cycle.syncJob(id: jobID).job
            } catch let error as APIError where error.isTransient {
                // A bad minute of the API is no reason to stop watching: say so and go on.
                renderer.warn("\(error); trying again in \(interval) s")
                try await Task.sleep(for: .seconds(interval))
                continue
            }
            // The newest events only: a long job has hundreds of thousands, and a look
            // needs its recent messages, the last steps' times and what is new since the
            // previous look (never near this many at one look every few seconds).
            let detail = try await session.store.jobDetail(
                job: session.key(job.id), latestEvents: WatchView.eventWindow)
            renderer.show(
                WatchView.Frame(
                    job: job, steps: detail.steps, events: detail.events,
                    now: WatchView.Frame.now(job: job, events: detail.events)))
            if job.isTerminal { return job.status == "succeeded" ? 0 : 1 }
            try await Task.sleep(for: .seconds(interval))
        }
    }
}

/// Draws frames (`WatchScreen`) and the lines written to stderr meanwhile, in the order
/// they come: a log line from any task waits for a redraw to end, and the other way round.
final class WatchRenderer: Sendable {
    let color: Bool
    private let screen: Locked<WatchScreen>

    init(tty: Bool, color: Bool) {
        self.color = color
        screen = Locked(WatchScreen(tty: tty))
    }

    func show(_ frame: WatchView.Frame) {
        let color = color
        screen.withLock { screen in Self.perform(screen.show(frame, width: Terminal.width, color: color)) }
    }

    /// A line for stderr, newline included.
    @Sendable func note(_ line: String) {
        screen.withLock { screen in Self.perform(screen.note(line)) }
    }

    /// A message can quote the API (an error's text): made safe, as the log's lines are.
    func warn(_ message: String) {
        note("ftd: \(TerminalSanitizer.clean(SecretRedactor.redact(message)))\n")
    }

    func finish(interrupted: Bool, jobID: String) {
        guard interrupted else { return }
        let jobID = TerminalSanitizer.clean(jobID)
        note("ftd: stopped watching; \(jobID) goes on (ftd watch \(jobID) to follow it again)\n")
    }

    private static func perform(_ writes: [WatchScreen.Write]) {
        for write in writes {
            switch write {
            case .stdout(let text): Terminal.write(text)
            case .stderr(let text): LineLogHandler.writeToStandardError(text)
            }
        }
    }
}
