import FTDAPI
import FTDModel

/// Jobs seen this cycle, in the order seen, each once (a list that grows while it is
/// paged can show a job twice).
struct ObservedJobs {
    private(set) var jobs: [FineTuningJob] = []
    private var index: [String: Int] = [:]

    mutating func add(_ job: FineTuningJob) {
        if let position = index[job.id] {
            jobs[position] = job
        } else {
            index[job.id] = jobs.count
            jobs.append(job)
        }
    }

    func contains(_ id: String) -> Bool { index[id] != nil }
    var ids: [String] { jobs.map(\.id) }
}

struct SyncTarget: Sendable {
    var jobID: String
    var isTerminal: Bool
}

struct JobSyncResult: Sendable {
    var jobID: String
    var requests = 0
    var events: [JobEvent] = []
    var checkpoints: [Checkpoint] = []
    var completesFinalSync = false
    var failure: APIError?
    var resumeCursor: ResumeCursorChange = .unchanged
}
