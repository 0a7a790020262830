import FTDAPI
import FTDModel
import Foundation

/// What `ftd submit` asks for, once its files are checked.
public struct SubmitRequest: Sendable {
    public var trainingPath: String
    public var validationPath: String?
    public var model: String
    public var suffix: String?
    public var epochs: Int?
    public var batchSize: Int?
    public var learningRateMultiplier: Double?
    public var seed: Int?
    public var metadata: [String: String]?

    public init(trainingPath: String, model: String) {
        self.trainingPath = trainingPath
        self.model = model
    }

    /// `method.supervised.hyperparameters` with what was given; the API picks the rest
    /// ("auto").
    var method: JSONValue? {
        var hyperparameters: JSONObject = [:]
        if let epochs { hyperparameters["n_epochs"] = .int(Int64(epochs)) }
        if let batchSize { hyperparameters["batch_size"] = .int(Int64(batchSize)) }
        if let learningRateMultiplier {
            hyperparameters["learning_rate_multiplier"] = .double(learningRateMultiplier)
        }
        guard !hyperparameters.isEmpty else { return nil }
        return .object([
            "type": .string("supervised"),
            "supervised": .object(["hyperparameters": .object(hyperparameters)]),
        ])
    }
}

/// Why a submission stopped, with what the user can do.
public struct SubmitError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// The API did not finish its part (processing, creating): try again later. Otherwise
    /// the input was at fault.
    public var apiUnavailable = false
}

/// Uploads the files, waits until the API has processed them and creates the job. The
/// caller records it at once (`PollCycle.sync`), so that the daemon and `ftd history`
/// know it from its first second, after it has told the user the job's id.
public struct JobSubmitter: Sendable {
    let api: OpenAIClient
    /// One line for the user per step (uploading, processing, created).
    let progress: @Sendable (String) -> Void
    /// How long to wait for the API to process an uploaded file.
    public var processingTimeout: Duration = .seconds(600)
    public var processingPollInterval: Duration = .seconds(1)
    /// Stamps the create request, which orders the job's first record against other
    /// writers' (`ObservedInstant`).
    public var clock: ObservationClock = .system

    public init(api: OpenAIClient, progress: @escaping @Sendable (String) -> Void) {
        self.api = api
        self.progress = progress
    }

    /// The created job, and when the request that created it was sent.
    public func submit(_ request: SubmitRequest) async throws -> (job: FineTuningJob, sentAt: ObservedInstant)
    {
        let training = try await upload(request.trainingPath)
        var validation: UploadedFile?
        if let path = request.validationPath { validation = try await upload(path) }
        try await waitUntilProcessed(training)
        if let validation { try await waitUntilProcessed(validation) }
        let sentAt = clock.now()
        let job = try await create(
            FineTuningJobRequest(
                model: request.model, trainingFile: training.id, validationFile: validation?.id,
                suffix: request.suffix, seed: request.seed, method: request.method, metadata: request.metadata
            ))
        progress("created \(job.id) (\(job.status))")
        return (job, sentAt)
    }

    /// Streams the file from disk: its size, not the memory, bounds what can be sent.
    func upload(_ path: String) async throws -> UploadedFile {
        let size: Int64
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch {
            throw SubmitError(description: "cannot read \(path): \(error.localizedDescription)")
        }
        let name = URL(fileURLWithPath: path).lastPathComponent
        progress("uploading \(name) (\(ByteCountFormatter.string(fromByteCount: size, countStyle: .file)))")
        let file: UploadedFile
        do {
            file = try await api.uploadFile(path: path, size: size, filename: name)
        } catch let error as UploadFileError {
            throw SubmitError(description: error.description)
        }
        progress("uploaded \(name) as \(file.id)")
        return file
    }

    func waitUntilProcessed(_ uploaded: UploadedFile) async throws {
        var file = uploaded
        let deadline = ContinuousClock.now + processingTimeout
        var announced = false
        while !file.isProcessed {
            if file.hasFailed {
                throw SubmitError(
                    description:
                        "the API could not process \(file.id) (\(file.filename ?? "the file")): \(file.statusDetails ?? "no details given"); check the file with ftd validate"
                )
            }
            guard ContinuousClock.now < deadline else {
                throw SubmitError(
                    description:
                        "the API has not processed \(file.id) after \(processingTimeout) (status \(file.status ?? "unknown")); nothing was created: submit again later",
                    apiUnavailable: true)
            }
            if !announced {
                progress("waiting for the API to process \(file.id)")
                announced = true
            }
            try await Task.sleep(for: processingPollInterval)
            file = try await api.retrieveFile(id: file.id)
        }
    }

    /// Creating a job costs money, and a job must never be created twice. A failed POST
    /// that may have reached the API (a timeout, a dropped connection, a 5xx) is therefore
    /// never sent again: the newest jobs are checked for one made from this training file
    /// (its id is new with this upload), a few times over `listLag` since the list can
    /// lag behind the create, and when none shows up the user is told it may exist all
    /// the same. Only an answer that proves nothing was made (429: refused before any
    /// work) is sent again, through the client's retry policy (honouring `retry-after`),
    /// after the same check.
    func create(_ request: FineTuningJobRequest) async throws -> FineTuningJob {
        do {
            return try await api.createJob(request) { failure in
                let nothingWasMade = failure.httpStatus == 429
                if let made = try await createdJob(
                    trainingFile: request.trainingFile, patiently: !nothingWasMade)
                {
                    progress("the API had created \(made.id) before the failure (\(failure))")
                    return made
                }
                guard nothingWasMade else { throw Self.mayExist(after: failure) }
                progress("the API refused the job (\(failure)): sending it again")
                return nil
            }
        } catch let error as APIError where error.isTransient {
            if let made = try? await createdJob(trainingFile: request.trainingFile, patiently: true) {
                progress("the API had created \(made.id) before the failure (\(error))")
                return made
            }
            throw Self.mayExist(after: error)
        }
    }

    /// How long the jobs list may lag behind a create: the checks after an ambiguous
    /// failure wait these in turn.
    public var listLag: [Duration] = [.seconds(2), .seconds(4)]

    static func mayExist(after failure: APIError) -> SubmitError {
        SubmitError(
            description:
                "creating the job failed: \(failure); the API may have created it all the same, so ftd did not send it again: check the account's jobs (ftd run --once, then ftd history) before submitting again",
            apiUnavailable: true)
    }

    /// A job made from `trainingFile`, looked for once, or (`patiently`) again after each
    /// of `listLag`.
    private func createdJob(trainingFile: String, patiently: Bool) async throws -> FineTuningJob? {
        if let made = try await existingJob(trainingFile: trainingFile) { return made }
        guard patiently else { return nil }
        for wait in listLag {
            try await Task.sleep(for: wait)
            if let made = try await existingJob(trainingFile: trainingFile) { return made }
        }
        return nil
    }

    /// The newest jobs' page (100, the most one page holds): a job created a moment ago is on it.
    private func existingJob(trainingFile: String) async throws -> FineTuningJob? {
        let page = try await api.listJobs(after: nil, limit: 100)
        return page.data.first { $0.trainingFile == trainingFile }
    }
}
