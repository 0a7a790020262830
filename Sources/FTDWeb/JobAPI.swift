import FTDModel
import FTDStore
import Hummingbird

/// `GET /api/jobs` and `GET /api/jobs/{account}/{id}`: the JSON of `ftd history --json`
/// (SPEC section 6), each job with its `account`. With `max_points`, a job's answer is
/// its charts' view: at most that many steps, and its events without the `metrics` ones.
struct JobAPI: Sendable {
    static let maximumLimit = 100_000

    let store: any HistoryStore
    let charts: ChartCache
    let now: @Sendable () -> Int64
    /// Prices each job's `cost_usd`, as `ftd history --json` does.
    let prices: PriceBook

    init(
        store: any HistoryStore, charts: ChartCache = ChartCache(), prices: PriceBook = PriceBook(),
        now: @escaping @Sendable () -> Int64
    ) {
        self.store = store
        self.charts = charts
        self.prices = prices
        self.now = now
    }

    /// A job's steps downsampled to `maxPoints`, from the cache while its curve is unchanged.
    func chartSteps(_ job: JobSummary, maxPoints: Int) async throws -> [LossStep] {
        let key = ChartCache.Key(
            job: job.key, maxPoints: maxPoints, stepCount: job.steps, lastTrainLoss: job.lastTrainLoss)
        if let cached = charts.steps(for: key, now: now()) { return cached }
        let steps = StepDownsampler.downsample(try await store.steps(job: job.key), maxPoints: maxPoints)
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
        let account = DashboardAPI.nonEmpty(query["account"])
        do {
            let summaries = try await store.jobSummaries(status: status, account: account, limit: limit)
            return .json(HistoryJSON.summaries(summaries, prices: prices))
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
        do {
            // The chart's view: a metrics event's numbers are its step, downsampled here;
            // the Messages panel pages every event through `/events`.
            let key = try await store.resolveJob(id, account: account)
            var detail = try await store.jobDetail(
                job: key, latestEvents: nil, skippingMetricsEvents: maxPoints != nil,
                steps: maxPoints == nil ? .all : .none)
            if let maxPoints { detail.steps = try await chartSteps(detail.summary, maxPoints: maxPoints) }
            return .json(HistoryJSON.detail(detail, prices: prices))
        } catch let error as StoreError {
            return Self.answer(error)
        }
    }

    /// The job as the API sent it, with `"account"` after its `"id"`.
    static func withAccount(_ summary: JSONValue, account: String) -> JSONValue {
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
