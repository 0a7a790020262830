import ArgumentParser
import FTDDaemon
import FTDModel
import Foundation

/// `cancel`, `pause` and `resume`: one request, and its outcome recorded.
struct JobActionOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @OptionGroup var accountOption: AccountOption

    @Argument(help: "The job: its id, or a unique prefix of a job in the local database.")
    var jobID: String

    @Flag(help: "Print the job as the API answered it (JSON).")
    var json = false

    enum Action: String {
        case cancel, pause, resume

        var pastTense: String {
            switch self {
            case .cancel: "cancellation requested"
            case .pause: "pause requested"
            case .resume: "resume requested"
            }
        }
    }

    func perform(_ action: Action) async throws {
        try await WorkflowSession.with(global, account: accountOption) { session in
            let id = try await session.resolveJobID(jobID)
            let sentAt = session.cycle.clock.now()
            let job: FineTuningJob
            switch action {
            case .cancel: job = try await session.api.cancelJob(id: id)
            case .pause: job = try await session.api.pauseJob(id: id)
            case .resume: job = try await session.api.resumeJob(id: id)
            }
            // The answer is a fact about the job like any cycle's: its status change is a
            // transition, with the hooks that fire on it.
            let sync = try await session.cycle.sync(job, observedAt: sentAt)
            if json {
                Terminal.write(job.raw.encodedString + "\n")
            } else if let change = sync.transitions.last {
                Terminal.write(
                    TerminalSanitizer.clean(
                        "\(job.id): \(action.pastTense): \(change.from ?? "new") → \(change.to)") + "\n")
            } else {
                Terminal.write(
                    TerminalSanitizer.clean("\(job.id): \(action.pastTense): status \(job.status)") + "\n")
            }
        }
    }
}

struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a job (POST /fine_tuning/jobs/ID/cancel) and record its new status.")
    @OptionGroup var options: JobActionOptions
    func run() async throws { try await options.perform(.cancel) }
}

struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a running job (its checkpoint is kept) and record its new status.")
    @OptionGroup var options: JobActionOptions
    func run() async throws { try await options.perform(.pause) }
}

struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a paused job and record its new status.")
    @OptionGroup var options: JobActionOptions
    func run() async throws { try await options.perform(.resume) }
}
