import ArgumentParser
import FTDAPI
import FTDModel
import FTDTerminal
import Foundation

struct Try: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "try",
        abstract: "Ask a fine-tuned model a question; with --compare, a base model beside it.",
        discussion: """
            MODEL_OR_JOB_ID is a model name (ft:…) or a job (ftjob-…, in full or a unique \
            prefix of a stored job), which stands for the model it made. Both requests go out at once; \
            each answer shows its tokens (prompt + answer) and latency.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var accountOption: AccountOption

    @Argument(
        help: ArgumentHelp("The fine-tuned model, or the job that made it.", valueName: "model-or-job-id"))
    var target: String

    @Argument(help: "The user message.")
    var question: String

    @Option(help: "A system message sent first (e.g. the one of the training data).")
    var system: String?

    @Option(
        help: ArgumentHelp("Also ask this model (e.g. the base model) and show both.", valueName: "model"))
    var compare: String?

    @Flag(help: "Print the answers as JSON.")
    var json = false

    func validate() throws {
        if question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("the question is empty")
        }
    }

    func run() async throws {
        try await WorkflowSession.with(global, account: accountOption) { session in
            let model = try await resolveModel(session)
            var messages: [ChatMessage] = []
            if let system { messages.append(ChatMessage(role: "system", content: system)) }
            messages.append(ChatMessage(role: "user", content: question))

            let api = session.api
            async let fineTuned = Self.ask(api, model: model, role: "fine-tuned", messages: messages)
            async let compared = Self.ask(api, model: compare, role: "compared", messages: messages)
            let asked = try await [fineTuned, compared].compactMap { $0 }
            let answers = asked.map(\.answer)

            if json {
                Terminal.write(
                    TryView.json(question: question, system: system, answers: answers).rendered() + "\n")
            } else {
                Terminal.write(
                    TryView.render(
                        question: question, answers: answers, width: Terminal.width,
                        color: Terminal.stdoutSupportsColor))
            }
            if let failed = asked.first(where: { $0.failure != nil }), let failure = failed.failure {
                throw Failure(
                    message: "\(failed.answer.model) gave no answer: \(failure)",
                    code: Failure.exitCode(for: failure))
            }
        }
    }

    /// A job (`ftjob-…`, or a unique prefix of a stored one written so) stands for its
    /// fine-tuned model, read fresh from the API and recorded; anything else is a model
    /// name, even one that happens to begin like a job id.
    private func resolveModel(_ session: WorkflowSession) async throws -> String {
        guard target.hasPrefix("ftjob-") else { return target }
        let job = try await session.cycle.syncJob(id: try await session.resolveJobID(target)).job
        guard let model = job.fineTunedModel else {
            throw Failure(
                message:
                    "\(job.id) has no fine-tuned model yet (status \(job.status)); try it once it has succeeded: ftd watch \(job.id)",
                code: Failure.dataError)
        }
        return model
    }

    /// One request, timed; a failure becomes the answer's error so the other still shows.
    private static func ask(_ api: OpenAIClient, model: String?, role: String, messages: [ChatMessage])
        async throws
        -> (answer: TryAnswer, failure: APIError?)?
    {
        guard let model else { return nil }
        let start = ContinuousClock.now
        do {
            let completion = try await api.chatCompletion(model: model, messages: messages)
            let answer = TryAnswer(
                model: model, role: role, completion: completion, error: nil,
                latency: (ContinuousClock.now - start).inSeconds)
            return (answer, nil)
        } catch let error as APIError {
            let answer = TryAnswer(
                model: model, role: role, completion: nil, error: error.description,
                latency: (ContinuousClock.now - start).inSeconds)
            return (answer, error)
        }
    }
}
