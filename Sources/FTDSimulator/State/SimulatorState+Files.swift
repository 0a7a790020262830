extension SimulatorState {
    @discardableResult
    func uploadFile(filename: String, purpose: String, content: [UInt8]) -> SimJSON {
        let file = StoredFile(
            id: newID(prefix: "file-"), filename: filename, purpose: purpose,
            createdAt: JobTimeline.seconds(now), content: content
        )
        files[file.id] = file
        return APIObjects.file(file)
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
                createdAt: finishedAt, content: Array(timeline.resultCSV().utf8)
            )
        }
        throw .fileNotFound(id)
    }

    func retrieveFile(_ id: String) throws(SimulatorAPIError) -> SimJSON {
        APIObjects.file(try storedFile(id))
    }

    func fileContent(_ id: String) throws(SimulatorAPIError) -> [UInt8] {
        try storedFile(id).content
    }

    /// The id of the most recently uploaded file with this name, for scenarios and tests.
    func fileID(named filename: String) -> String? {
        files.values.filter { $0.filename == filename }.max { $0.createdAt < $1.createdAt }?.id
    }
}
