import FTDModel
import FTDStore
import Hummingbird

/// `GET /api/jobs` and `GET /api/jobs/{account}/{id}`: the JSON of `ftd history --json`
/// (SPEC section 6), each job with its `account`. With `max_points`, a job's answer is
/// its charts' view: at most that many steps, and its events without the `metrics` ones.
struct JobAPI: Sendable {
    /// Until several accounts exist (SPEC section 8), every job belongs to this one.
    static let account = DefaultAccount.name
    static let maximumLimit = 100_000

    let store: any HistoryStore
    let charts: ChartCache
    let now: @Sendable () -> Int64

    init(store: any HistoryStore, charts: ChartCache = ChartCache(), now: @escaping @Sendable () -> Int64) {
        self.store = store
        self.charts = charts
        self.now = now
    }

    /// A job's steps downsampled to `maxPoints`, from the cache while its curve is unchanged.
    func chartSteps(_ job: JobSummary, maxPoints: Int) async throws -> [LossStep] {
        let key = ChartCache.Key(
            jobID: job.id, maxPoints: maxPoints, stepCount: job.steps, lastTrainLoss: job.lastTrainLoss)
        if let cached = charts.steps(for: key, now: now()) { return cached }
        let steps = StepDownsampler.downsample(try await store.steps(jobID: job.id), maxPoints: maxPoints)
        charts.store(steps, for: key, now: now())
        return steps
    }

    func jobs(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let status = DashboardAPI.nonEmpty(query["status"])
        var limit: Int?
        if let text = query["limit"] {
            guard let value = Int(text), (1...Self.maximumLimit).contains(value) else {
                return .problem(
                    "limit: expected a whole number from 1 to \(Self.maximumLimit)", status: .badRequest)
            }
            limit = value
        }
        if let account = query["account"], !account.isEmpty, account != Self.account {
            return .json(.array([]))
        }
        do {
            let summaries = try await store.jobSummaries(status: status, limit: limit)
            return .json(.array(summaries.map { Self.withAccount(HistoryJSON.summary($0)) }))
        } catch let error as StoreError {
            return Self.answer(error)
        }
    }

    func job(account: String, id: String, _ request: Request) async throws -> Response {
        var maxPoints: Int?
        if let text = request.uri.queryParameters["max_points"] {
            guard let value = Int(text), value >= 2 else {
                return .problem("max_points: expected a whole number of at least 2", status: .badRequest)
            }
            maxPoints = value
        }
        guard account == Self.account else { return .problem("no account \(account)", status: .notFound) }
        do {
            // The chart's view: a metrics event's numbers are its step, downsampled here;
            // the Messages panel pages every event through `/events`.
            let jobID = try await store.resolveJobID(id)
            var detail = try await store.jobDetail(
                id: jobID, latestEvents: nil, skippingMetricsEvents: maxPoints != nil,
                readingSteps: maxPoints == nil)
            if let maxPoints { detail.steps = try await chartSteps(detail.summary, maxPoints: maxPoints) }
            guard case .object(var members) = HistoryJSON.detail(detail), let job = members["job"] else {
                return .problem("the job's JSON could not be built", status: .internalServerError)
            }
            members["job"] = Self.withAccount(job)
            return .json(.object(members))
        } catch let error as StoreError {
            return Self.answer(error)
        }
    }

    /// The summary with `"account"` after its `"id"`.
    static func withAccount(_ summary: JSONValue) -> JSONValue {
        guard case .object(var members) = summary else { return summary }
        let position = members.index(forKey: "id").map { $0 + 1 } ?? 0
        members.updateValue(.string(account), forKey: "account", insertingAt: position)
        return .object(members)
    }

    static func answer(_ error: StoreError) -> Response {
        switch error {
        case .unknownJob, .ambiguousJob: return .problem("\(error)", status: .notFound)
        case .databaseMissing: return .problem("\(error)", status: .serviceUnavailable)
        default: return .problem("\(error)", status: .internalServerError)
        }
    }
}
