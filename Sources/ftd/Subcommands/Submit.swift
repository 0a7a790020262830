import ArgumentParser
import FTDEngine
import FTDModel
import FTDStore
import FTDTerminal
import FTDTrainingFile
import Foundation

struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Check, upload and start a fine-tuning job; record it; print its id.",
        discussion: """
            The training file (and the validation file) is checked first, as `ftd validate` \
            does, and nothing is uploaded while it has errors (--force sends it anyway). \
            Then the files are uploaded (purpose fine-tune), the API processes them, the \
            job is created and recorded in the database at once, so the daemon and \
            `ftd history` know it from its first second. stdout gets the job id alone; \
            progress goes to stderr. With --watch it goes on as `ftd watch`.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var accountOption: AccountOption

    @Argument(help: ArgumentHelp("The training data, chat-format JSONL.", valueName: "file.jsonl"))
    var trainingFile: String

    @Option(help: "The base model to fine-tune (e.g. gpt-4o-mini-2024-07-18).")
    var model: String

    @Option(help: ArgumentHelp("Validation data, same format.", valueName: "file.jsonl"))
    var validationFile: String?

    @Option(help: "Up to 64 characters that become part of the fine-tuned model's name.")
    var suffix: String?

    @Option(help: "Epochs (default: the API's choice, from the number of examples).")
    var epochs: Int?

    @Option(help: "Batch size (default: the API's choice).")
    var batchSize: Int?

    @Option(help: "Learning rate multiplier (default: the API's choice).")
    var learningRateMultiplier: Double?

    @Option(help: "Seed, for a reproducible job.")
    var seed: Int?

    @Option(
        parsing: .upToNextOption, help: ArgumentHelp("Metadata pairs for the job.", valueName: "key=value"))
    var metadata: [String] = []

    @Flag(help: "Upload even when the check finds errors.")
    var force = false

    @Flag(help: "Follow the job once created, as `ftd watch` (exit 0 only if it succeeds).")
    var watch = false

    func validate() throws {
        if let suffix, !(1...64).contains(suffix.count) {
            throw ValidationError("--suffix must be 1 to 64 characters long")
        }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let learningRateMultiplier, !(learningRateMultiplier > 0) {
            throw ValidationError("--learning-rate-multiplier must be a positive number")
        }
        _ = try parsedMetadata()
    }

    func parsedMetadata() throws -> [String: String]? {
        guard !metadata.isEmpty else { return nil }
        var pairs: [String: String] = [:]
        for item in metadata {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError(
                    "--metadata takes key=value pairs, got '\(item)' (the training file goes before --metadata)"
                )
            }
            pairs[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return pairs
    }

    func run() async throws {
        let report = try checkFiles()
        var request = SubmitRequest(trainingPath: trainingFile, model: model)
        request.validationPath = validationFile
        request.suffix = suffix
        request.epochs = epochs
        request.batchSize = batchSize
        request.learningRateMultiplier = learningRateMultiplier
        request.seed = seed
        request.metadata = try parsedMetadata()

        let status: Int32? = try await WorkflowSession.with(global, account: accountOption) { session in
            var submitter = JobSubmitter(api: session.api) { line in
                // Progress quotes the API (ids, statuses, error texts).
                FileHandle.standardError.write(
                    Data("ftd: \(TerminalSanitizer.clean(SecretRedactor.redact(line)))\n".utf8))
            }
            submitter.clock = session.cycle.clock
            let created: (job: FineTuningJob, sentAt: ObservedInstant)
            do {
                created = try await submitter.submit(request)
            } catch let error as SubmitError {
                throw Failure(
                    message: error.description,
                    code: error.apiUnavailable ? Failure.unavailable : Failure.dataError)
            }
            // The id first: whatever happens next, a script knows the job it paid for.
            Terminal.write(created.job.id + "\n")
            await recordEstimate(of: report, job: session.key(created.job.id), store: session.store)
            do {
                _ = try await session.cycle.sync(created.job, observedAt: created.sentAt)
            } catch {
                FileHandle.standardError.write(
                    Data(
                        "ftd: \(created.job.id) was created but not recorded: \(error); the daemon records it at its next cycle\n"
                            .utf8))
                if !watch { throw ExitCode(Failure.cannotCreate) }
            }
            guard watch else { return nil }
            return try await Watch.follow(
                jobID: created.job.id, session: session,
                interval: Watch.defaultInterval(session.configuration))
        }
        if let status { throw ExitCode(status) }
    }

    /// The trained tokens the check estimated, stored with the job so that it shows an
    /// estimated cost until the API reports its `trained_tokens` (SPEC section 10). The
    /// job exists whatever happens here: a failure is said, never fatal.
    private func recordEstimate(of report: TrainingFileReport, job: JobKey, store: any JobStore) async {
        let estimate = TrainingEstimate(
            job: job, trainedTokens: Int64(report.billedTokens(epochs: epochs)),
            epochs: epochs ?? report.epochs,
            estimatedAt: Int64(Date().timeIntervalSince1970))
        do {
            try await store.recordEstimate(estimate)
        } catch {
            FileHandle.standardError.write(
                Data("ftd: \(job.id): the estimated trained tokens were not stored (\(error))\n".utf8))
        }
    }

    /// The local check of `ftd validate`, before anything is uploaded.
    private func checkFiles() throws -> TrainingFileReport {
        let report: TrainingFileReport
        do {
            report = try TrainingFileValidator.validate(
                path: trainingFile, validationFile: validationFile, model: model)
        } catch {
            throw Failure(message: error.description, code: Failure.noInput)
        }
        let stderr = FileHandle.standardError
        if report.isValid {
            stderr.write(
                Data(
                    "ftd: \(trainingFile): \(report.training.examples) examples, ~\(report.billedTokens(epochs: epochs).formatted()) billed tokens over \(epochs ?? report.epochs) epochs (an estimate: ftd validate says more)\n"
                        .utf8))
            return report
        }
        for summary in [report.training] + (report.validation.map { [$0] } ?? []) where !summary.isValid {
            stderr.write(Data(TrainingFileReportView.problemLines(summary, color: false).utf8))
        }
        let count = report.problemCountText
        if force {
            stderr.write(Data("ftd: --force: uploading despite \(count)\n".utf8))
            return report
        }
        throw Failure(
            message:
                "\(count) in the training data, nothing uploaded: fix them (ftd validate) or submit with --force",
            code: Failure.dataError)
    }
}
