import FTDModel
import FTDStore
import Foundation
import Hummingbird

/// The JSON the dashboard's pages read besides `ftd history`'s: the list with what a
/// glance needs, a job as the API sent it, its events page by page, and the server's
/// facts. All of it only reads.
struct DashboardAPI: Sendable {
    static let maximumPage = 500
    static let maximumEvents = 1_000
    static let levels: Set<String> = ["info", "warn", "error"]

    let store: any HistoryStore
    let info: ServerInfo
    let accounts: [String]
    /// Prices each job of the list (`cost_usd`), as `ftd history --json` does.
    var prices = PriceBook()

    func serverInfo() -> Response {
        .json(
            .object([
                "version": .string(info.version),
                "poll_interval": .int(Int64(info.pollInterval)),
                "accounts": .array(accounts.map { .string($0) }),
                "read_only": .bool(info.readOnly),
            ]))
    }

    func overview(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var overview = OverviewQuery()
        overview.status = Self.nonEmpty(query["status"])
        overview.search = Self.search(request)
        guard let limit = Self.number(query["limit"], default: 50, in: 1...Self.maximumPage) else {
            return .problem(
                "limit: expected a whole number from 1 to \(Self.maximumPage)", status: .badRequest)
        }
        guard let offset = Self.number(query["offset"], default: 0, in: 0...Int(Int32.max)) else {
            return .problem("offset: expected a whole number of at least 0", status: .badRequest)
        }
        overview.limit = limit
        overview.offset = offset
        overview.account = Self.nonEmpty(query["account"])
        do {
            let page = try await store.jobOverview(overview)
            return .json(
                .object([
                    "total": .int(Int64(page.total)),
                    "jobs": .array(page.jobs.map { Self.json($0, prices: prices) }),
                ]))
        } catch let error as StoreError {
            return JobAPI.answer(error)
        }
    }

    static func json(_ job: JobOverview, prices: PriceBook) -> JSONValue {
        guard case .object(var members) = HistoryJSON.summary(job.summary, prices: prices) else {
            return .null
        }
        members["suffix"] = .optional(job.suffix)
        members["total_steps"] = job.totalSteps.map { .int(Int64($0)) } ?? .null
        members["started_at"] = .optional(job.startedAt)
        members["estimated_finish"] = .optional(job.estimatedFinish)
        members["spark"] = .array(job.spark.map { .double($0) })
        members["alerts"] = .array(job.alerts.map { .string($0.rawValue) })
        return .object(members)
    }

    func job(account: String, id: String) async throws -> Response {
        do {
            let key = try await store.resolveJob(id, account: account)
            let job = try await store.storedJob(key)
            return .json(JobAPI.withAccount(job.raw, account: key.account))
        } catch let error as StoreError {
            return JobAPI.answer(error)
        }
    }

    func events(account: String, id: String, _ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        guard let limit = Self.number(query["limit"], default: 200, in: 1...Self.maximumEvents) else {
            return .problem(
                "limit: expected a whole number from 1 to \(Self.maximumEvents)", status: .badRequest)
        }
        var cursors: [String: EventCursor] = [:]
        for name: Substring in ["before", "after"] {
            guard let text = Self.nonEmpty(query[name]) else { continue }
            guard let cursor = EventCursor(text) else {
                return .problem(
                    "\(name): expected a cursor CREATED_AT.SEQ as `next` gives it", status: .badRequest)
            }
            cursors[String(name)] = cursor
        }
        let level = Self.nonEmpty(query["level"])
        if let level, !Self.levels.contains(level) {
            return .problem("level: expected info, warn or error", status: .badRequest)
        }
        do {
            let job = try await store.resolveJob(id, account: account)
            let page = try await store.eventPage(
                EventPageQuery(
                    job: job, before: cursors["before"], after: cursors["after"], level: level,
                    search: Self.search(request),
                    limit: limit))
            return .json(
                .object([
                    "total": .int(Int64(page.total)),
                    "events": .array(
                        page.events.map { paged in
                            guard case .object(var members) = HistoryJSON.event(paged.event) else {
                                return .null
                            }
                            members.updateValue(.string(paged.cursor.text), forKey: "cursor", insertingAt: 0)
                            return .object(members)
                        }),
                    "next": page.next.map { .string($0.text) } ?? .null,
                ]))
        } catch let error as StoreError {
            return JobAPI.answer(error)
        }
    }

    /// The search box's text, `q`: a `+` is a space, as a form sends it (`%2B` is a plus).
    static func search(_ request: Request) -> String? {
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "q" else { continue }
            let text = parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            return text.flatMap { $0.isEmpty ? nil : $0 }
        }
        return nil
    }

    static func nonEmpty(_ value: Substring?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return String(value)
    }

    /// The parameter as a whole number in `range`; `fallback` when absent; nil when wrong.
    static func number(_ value: Substring?, default fallback: Int, in range: ClosedRange<Int>) -> Int? {
        guard let value else { return fallback }
        guard let number = Int(value), range.contains(number) else { return nil }
        return number
    }
}

/// What `/api/info` tells a page about the server it talks to.
public struct ServerInfo: Sendable {
    public var version: String
    /// `ftd serve`: nothing polls behind this server.
    public var readOnly: Bool
    /// `poll.interval`: how often a live page asks again.
    public var pollInterval: Int

    public init(version: String, readOnly: Bool, pollInterval: Int) {
        self.version = version
        self.readOnly = readOnly
        self.pollInterval = pollInterval
    }
}
