import FTDAPI
import FTDModel
import Foundation

/// An in-memory fine-tuning API for poll-cycle tests: newest-first lists with `after`
/// paging like the real one, a request log, and failures on demand.
actor ScriptedAPI: FineTuningAPI {
    private(set) var jobs: [FineTuningJob] = []  // newest first
    private var events: [String: [JobEvent]] = [:]  // newest first
    private var checkpoints: [String: [Checkpoint]] = [:]
    private(set) var requests: [String] = []
    /// Endpoint substrings that fail (once each entry) with the given error.
    private var failures: [(match: String, error: APIError)] = []
    private var nextEventNumber = 0
    /// Jobs that appear at the top of the list just before a later page is served, as
    /// when a user creates a job while ftd pages.
    private var arrivingDuringPaging: [FineTuningJob] = []

    func add(job id: String, status: String, createdAt: Int64) {
        jobs.append(FineTuningJob(id: id, status: status, model: "gpt-4o-mini", createdAt: createdAt))
        jobs.sort { ($0.createdAt ?? 0) > ($1.createdAt ?? 0) }
    }

    func set(status: String, of id: String) {
        guard let index = jobs.firstIndex(where: { $0.id == id }) else { return }
        jobs[index].status = status
    }

    func remove(job id: String) { jobs.removeAll { $0.id == id } }

    func arriveDuringPaging(job id: String, status: String, createdAt: Int64) {
        arrivingDuringPaging.append(
            FineTuningJob(id: id, status: status, model: "gpt-4o-mini", createdAt: createdAt))
    }

    @discardableResult
    func emit(_ message: String, job: String, data: JSONValue? = nil, at time: Int64 = 1000) -> String {
        nextEventNumber += 1
        let id = "ftevent-\(nextEventNumber)"
        let event = JobEvent(
            id: id, jobID: job, createdAt: time, type: data == nil ? "message" : "metrics", message: message,
            data: data)
        events[job, default: []].insert(event, at: 0)
        return id
    }

    func addCheckpoint(job: String, step: Int) {
        checkpoints[job, default: []].insert(
            Checkpoint(
                id: "ftckpt_\(job)_\(step)", jobID: job, createdAt: 1000, stepNumber: step,
                fineTunedModelCheckpoint: "ft:x:ckpt-step-\(step)"),
            at: 0)
    }

    func fail(_ match: String, status: Int = 500) {
        failures.append((match, APIError(kind: .http(status: status), message: "scripted", endpoint: match)))
    }

    func resetRequests() { requests = [] }

    private func request(_ endpoint: String) throws {
        requests.append(endpoint)
        if let index = failures.firstIndex(where: { endpoint.contains($0.match) }) {
            throw failures.remove(at: index).error
        }
    }

    private func page<T>(_ items: [T], id: (T) -> String, after: String?, limit: Int) -> ListPage<T> {
        var start = 0
        if let after, let index = items.firstIndex(where: { id($0) == after }) { start = index + 1 }
        let slice = Array(items.dropFirst(start).prefix(limit))
        return ListPage(data: slice, hasMore: start + slice.count < items.count)
    }

    func listJobs(after: String?, limit: Int) async throws -> ListPage<FineTuningJob> {
        try request("GET /fine_tuning/jobs?after=\(after ?? "")")
        if after != nil, !arrivingDuringPaging.isEmpty {
            jobs.insert(contentsOf: arrivingDuringPaging, at: 0)
            arrivingDuringPaging = []
        }
        return page(jobs, id: \.id, after: after, limit: limit)
    }

    func retrieveJob(id: String) async throws -> FineTuningJob {
        try request("GET /fine_tuning/jobs/\(id)")
        guard let job = jobs.first(where: { $0.id == id }) else {
            throw APIError(
                kind: .http(status: 404), message: "no such job", endpoint: "GET /fine_tuning/jobs/\(id)")
        }
        return job
    }

    func listEvents(jobID: String, after: String?, limit: Int) async throws -> ListPage<JobEvent> {
        try request("GET /fine_tuning/jobs/\(jobID)/events?after=\(after ?? "")")
        return page(events[jobID] ?? [], id: \.id, after: after, limit: limit)
    }

    func listCheckpoints(jobID: String, after: String?, limit: Int) async throws -> ListPage<Checkpoint> {
        try request("GET /fine_tuning/jobs/\(jobID)/checkpoints?after=\(after ?? "")")
        return page(checkpoints[jobID] ?? [], id: \.id, after: after, limit: limit)
    }
}
