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
            each answer shows its tokens (prompt + answer) and latency. On an Azure OpenAI account \
            the question goes to --deployment NAME, which must serve that model.
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

    @Option(
        help: ArgumentHelp(
            "Azure OpenAI only, and required there: the deployment that serves the model (with --compare, that option names a deployment too).",
            valueName: "name"))
    var deployment: String?

    @Flag(help: "Print the answers as JSON.")
    var json = false

    func validate() throws {
        if question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("the question is empty")
        }
    }

    func run() async throws {
        try await WorkflowSession.with(global, account: accountOption) { session in
            try Self.checkDeployment(deployment, surface: session.api.surface)
            let model = try await resolveModel(session)
            var messages: [ChatMessage] = []
            if let system { messages.append(ChatMessage(role: "system", content: system)) }
            messages.append(ChatMessage(role: "user", content: question))

            let api = session.api
            async let fineTuned = Self.ask(
                api, model: model, deployment: deployment, role: "fine-tuned", messages: messages)
            // On Azure every model, a base one too, answers through a deployment of its own.
            async let compared = Self.ask(
                api, model: compare, deployment: api.surface.isAzure ? compare : nil, role: "compared",
                messages: messages)
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

    static let deploymentRequired =
        "a fine-tuned Azure OpenAI model answers only through a deployment: pass --deployment NAME (create one in the Azure portal or with az cognitiveservices account deployment create)"

    /// Checked before any request: without a deployment Azure would answer 404 for the
    /// model's own name, which says nothing about what to do; OpenAI has no deployments,
    /// so one given there is a mistake rather than something to ignore.
    static func checkDeployment(_ deployment: String?, surface: APISurface) throws {
        guard surface.isAzure else {
            guard deployment == nil else {
                throw Failure(
                    message:
                        "--deployment is for Azure OpenAI accounts: OpenAI serves a fine-tuned model by its name",
                    code: Failure.usage)
            }
            return
        }
        guard let deployment, !deployment.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Failure(message: deploymentRequired, code: Failure.usage)
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
    private static func ask(
        _ api: OpenAIClient, model: String?, deployment: String?, role: String, messages: [ChatMessage]
    ) async throws -> (answer: TryAnswer, failure: APIError?)? {
        guard let model else { return nil }
        let start = ContinuousClock.now
        do {
            let completion = try await api.chatCompletion(
                model: model, deployment: deployment, messages: messages)
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
