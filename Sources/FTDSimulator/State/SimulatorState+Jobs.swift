extension SimulatorState {
    /// Adds a job following `script`, created `script.createdOffset` seconds from now.
    @discardableResult
    func addJob(_ script: JobScript, createdAt: Double? = nil) -> String {
        var resolved = script
        if resolved.trainingFile == nil {
            resolved.trainingFile = newID(prefix: "file-")
        }
        if resolved.seed == nil {
            resolved.seed = Int64(generator.next() % 1_000_000_000)
        }
        let id = flavor == .azure ? newHexID(prefix: "ftjob-") : newID(prefix: "ftjob-")
        let job = SimulatedJob(
            id: id,
            createdAt: createdAt ?? (now + script.createdOffset),
            script: resolved,
            generatorSeed: generator.next(),
            sequence: jobs.count,
            flavor: flavor
        )
        jobs[id] = job
        logger.debug(
            "simulated job added", metadata: ["job.id": "\(id)", "job.steps": "\(script.totalSteps)"])
        return id
    }

    /// Jobs that exist at `now`, newest first; equal `created_at` seconds put the later-created first.
    func visibleJobs(at now: Double) -> [SimulatedJob] {
        jobs.values
            .filter { $0.createdAt <= now }
            .sorted {
                let (a, b) = (JobTimeline.seconds($0.createdAt), JobTimeline.seconds($1.createdAt))
                return a != b ? a > b : $0.sequence > $1.sequence
            }
    }

    func listJobs(after: String?, limit: String?) -> SimJSON {
        let now = self.now
        let pagination = Pagination(after: after, limit: limit, defaultLimit: 20)
        let page = pagination.page(of: visibleJobs(at: now), id: \.id)
        let data = page.items.map { APIObjects.job($0, JobTimeline(job: $0).snapshot(at: now)) }
        return APIObjects.list(data, hasMore: page.hasMore)
    }

    func job(_ id: String) throws(SimulatorAPIError) -> SimulatedJob {
        guard let job = jobs[id], job.createdAt <= now else { throw .jobNotFound(id) }
        return job
    }

    func retrieveJob(_ id: String) throws(SimulatorAPIError) -> SimJSON {
        let job = try job(id)
        return APIObjects.job(job, JobTimeline(job: job).snapshot(at: now))
    }

    /// A page of the job's events, as the JSON text of the answer.
    func events(of id: String, after: String?, limit: String?) throws(SimulatorAPIError) -> String {
        let job = try job(id)
        let pagination = Pagination(after: after, limit: limit, defaultLimit: 20)
        let timeline = JobTimeline(job: job)
        let now = self.now
        guard ["succeeded", "failed", "cancelled"].contains(timeline.status(at: now)) else {
            let page = pagination.page(of: Array(timeline.events(at: now).reversed()), id: \.id)
            return APIObjects.list(page.items.map(APIObjects.event), hasMore: page.hasMore).serialized
        }
        let cached = finishedEvents.events(of: id) { timeline.events(at: now) }
        let page = pagination.page(of: cached.newestFirst, positions: cached.positions)
        return APIObjects.listText(page.items, hasMore: page.hasMore)
    }

    func checkpoints(of id: String, after: String?, limit: String?) throws(SimulatorAPIError) -> SimJSON {
        let job = try job(id)
        let pagination = Pagination(after: after, limit: limit, defaultLimit: 10)
        let newestFirst = Array(JobTimeline(job: job).checkpoints(at: now).reversed())
        let page = pagination.page(of: newestFirst, id: \.id)
        return APIObjects.list(
            page.items.map { APIObjects.checkpoint($0, jobID: id) },
            hasMore: page.hasMore,
            ids: page.items.map(\.id)
        )
    }

    // MARK: Cancel, pause, resume

    func cancel(_ id: String) throws(SimulatorAPIError) -> SimJSON {
        try intervene(
            id, .cancel, allowed: ["validating_files", "queued", "running", "paused"], verb: "cancel")
    }

    func pause(_ id: String) throws(SimulatorAPIError) -> SimJSON {
        try intervene(id, .pause, allowed: ["running"], verb: "pause")
    }

    func resume(_ id: String) throws(SimulatorAPIError) -> SimJSON {
        try intervene(id, .resume, allowed: ["paused"], verb: "resume")
    }

    private func intervene(
        _ id: String,
        _ kind: Intervention.Kind,
        allowed: Set<String>,
        verb: String
    ) throws(SimulatorAPIError) -> SimJSON {
        var job = try job(id)
        let now = self.now
        let status = JobTimeline(job: job).status(at: now)
        guard allowed.contains(status) else {
            throw .invalid(
                "Cannot \(verb) a job with status '\(status)' (\(verb) works on: \(allowed.sorted().joined(separator: ", "))).",
                param: nil)
        }
        job.interventions.append(Intervention(kind: kind, at: now))
        jobs[id] = job
        logger.debug("simulated job \(verb)", metadata: ["job.id": "\(id)"])
        return APIObjects.job(job, JobTimeline(job: job).snapshot(at: now))
    }
}
