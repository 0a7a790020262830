import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

/// A decoded body, kept to compare with the parsed tree.
enum DecodedBody {
    case job(FineTuningJob)
    case jobs(ListPage<FineTuningJob>)
    case events(ListPage<JobEvent>)
    case checkpoints(ListPage<Checkpoint>)

    static func decode(_ family: DecoderFamily, _ body: Data) throws(APIDecodingError) -> DecodedBody {
        switch family {
        case .job: .job(try FineTuningJob(body: body))
        case .jobList: .jobs(try ListPage.jobs(body: body))
        case .eventList: .events(try ListPage.events(body: body, jobID: FuzzFixture.jobID))
        case .checkpointList, .errorEnvelope:
            .checkpoints(try ListPage.checkpoints(body: body, jobID: FuzzFixture.jobID))
        }
    }

    /// The ids of what was decoded, in order.
    var ids: [String] {
        switch self {
        case .job(let job): [job.id]
        case .jobs(let page): page.data.map(\.id)
        case .events(let page): page.data.map(\.id)
        case .checkpoints(let page): page.data.map(\.id)
        }
    }

    /// nil when the decoded values say what the parsed body says.
    func disagreement(with tree: JSONValue) -> String? {
        let items = tree["data"]?.arrayValue ?? []
        let hasMore = tree["has_more"]?.boolValue ?? false
        // What the decoders promise of a field: its text with NUL as U+FFFD (SQLite would
        // cut it there), and a required time clamped into the plausible range.
        func text(_ value: JSONValue?) -> String? { value?.stringValue?.replacingNUL }
        func time(_ value: JSONValue?) -> Int64? {
            value?.int64Value.map {
                min(
                    max($0, JSONObjectReader.plausibleTimes.lowerBound),
                    JSONObjectReader.plausibleTimes.upperBound)
            }
        }
        switch self {
        case .job(let job):
            if job.id != text(tree["id"]) || job.status != text(tree["status"]) {
                return "the job's id or status differs from the body's"
            }
            return job.raw == tree ? nil : "the job's raw JSON differs from the body"
        case .jobs(let page):
            return page.data.map(\.id) == items.map { text($0["id"]) } && page.hasMore == hasMore
                ? nil : "the jobs or has_more differ from the body's"
        case .events(let page):
            let same =
                page.data.map(\.id) == items.map { text($0["id"]) }
                && page.data.map(\.createdAt) == items.map { time($0["created_at"]) }
                && page.data.map(\.message) == items.map { text($0["message"]) }
                && page.data.allSatisfy { $0.jobID == FuzzFixture.jobID } && page.hasMore == hasMore
            return same ? nil : "the events or has_more differ from the body's"
        case .checkpoints(let page):
            let jobIDs = items.map { text($0["fine_tuning_job_id"]) ?? FuzzFixture.jobID }
            let same =
                page.data.map(\.id) == items.map { text($0["id"]) }
                && page.data.map(\.jobID) == jobIDs && page.hasMore == hasMore
            return same ? nil : "the checkpoints or has_more differ from the body's"
        }
    }
}
