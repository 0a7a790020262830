extension SimulatorState {
    /// `POST /files`: refuses a fine-tuning upload with a line that is not a JSON object, as
    /// the API does, and stores the bytes exactly as sent.
    func acceptUpload(filename: String, purpose: String, content: [UInt8]) throws(SimulatorAPIError)
        -> SimJSON
    {
        if purpose == "fine-tune", let line = JSONLines.firstLineNotAnObject(in: content) {
            throw .notJSONLines(line: line)
        }
        return uploadFile(filename: filename, purpose: purpose, content: content)
    }

    /// Stores a file that reads `processed` after `processingSeconds` (the configured delay
    /// when nil).
    @discardableResult
    func uploadFile(
        filename: String, purpose: String, content: [UInt8], processingSeconds: Double? = nil
    ) -> SimJSON {
        let now = self.now
        let file = StoredFile(
            id: newID(prefix: "file-"), filename: filename, purpose: purpose,
            createdAt: JobTimeline.seconds(now), content: content,
            processedAt: now + (processingSeconds ?? fileProcessingSeconds)
        )
        files[file.id] = file
        return APIObjects.file(file, at: now)
    }

    /// An uploaded file, or the result file of a job that has succeeded by now.
    func storedFile(_ id: String) throws(SimulatorAPIError) -> StoredFile {
        if let file = files[id] { return file }
        let now = self.now
        for job in jobs.values where job.resultFileID == id {
            let timeline = JobTimeline(job: job)
            let snapshot = timeline.snapshot(at: now)
            guard snapshot.status == "succeeded", let finishedAt = snapshot.finishedAt else { break }
            return StoredFile(
                id: id, filename: "step_metrics.csv", purpose: "fine-tune-results",
                createdAt: finishedAt, content: Array(timeline.resultCSV().utf8),
                processedAt: Double(finishedAt)
            )
        }
        throw .fileNotFound(id)
    }

    func retrieveFile(_ id: String) throws(SimulatorAPIError) -> SimJSON {
        APIObjects.file(try storedFile(id), at: now)
    }

    func fileContent(_ id: String) throws(SimulatorAPIError) -> [UInt8] {
        try storedFile(id).content
    }

    /// An uploaded file a job can use now: it exists and has been processed.
    func processedUpload(_ id: String, param: String) throws(SimulatorAPIError) -> StoredFile {
        guard let file = files[id] else {
            throw .invalid("invalid \(param): \(id) (no uploaded file has this id)", param: param)
        }
        guard file.status(at: now) == "processed" else { throw .fileNotReady(id, param: param) }
        return file
    }

    /// The id of the most recently uploaded file with this name, for scenarios and tests.
    func fileID(named filename: String) -> String? {
        files.values.filter { $0.filename == filename }.max { $0.createdAt < $1.createdAt }?.id
    }
}
