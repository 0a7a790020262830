import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import FTDConfig
@testable import FTDModel
@testable import FTDStore
@testable import FTDWeb

/// The dashboard's JSON carries each job's cost as `ftd history --json` does (SPEC
/// sections 9 and 10), priced by the server's `PriceBook`.
struct DashboardCostTests {
    typealias S = StoreSample

    static func store() throws -> SQLiteStore {
        let database = try AppDatabase.inMemory()
        try database.record(
            cycle: CycleRecord(
                observedAt: 100,
                jobs: [
                    S.job("ftjob-run", "running", createdAt: 2_000, model: "gpt-3.5-turbo-0125"),
                    S.job(
                        "ftjob-done", "succeeded", createdAt: 1_000, finishedAt: 1_500,
                        trainedTokens: 1_234_567),
                ]))
        try database.recordEstimate(
            TrainingEstimate(
                job: JobKey(account: "default", id: "ftjob-run"), trainedTokens: 150_000, epochs: 3,
                estimatedAt: 90))
        return SQLiteStore(database)
    }

    static func get(_ prices: PriceBook, _ uri: String) async throws -> JSONValue {
        let server = WebServer(
            settings: HTTPSettings(host: "127.0.0.1", port: 0), token: nil, store: try store(),
            poll: PollSettings(), logger: S.logger, prices: prices)
        let application = Application(router: server.router())
        let body = try await application.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in String(buffer: response.body) }
        }
        return try JSONValue.parse(Data(body.utf8))
    }

    static func costs(_ jobs: JSONValue?) -> [String: [JSONValue?]] {
        var costs: [String: [JSONValue?]] = [:]
        for job in jobs?.arrayValue ?? [] {
            costs[job["id"]?.stringValue ?? "?"] = [job["cost_usd"], job["cost_estimated"]]
        }
        return costs
    }

    @Test func theJobsListsAndTheJobCarryTheCost() async throws {
        let expected: [String: [JSONValue?]] = [
            "ftjob-run": [.double(1.2), .bool(true)],  // 150,000 estimated tokens at $8
            "ftjob-done": [.double(3.703701), .bool(false)],  // 1,234,567 tokens at $3
        ]
        #expect(Self.costs(try await Self.get(PriceBook(), "/api/jobs")) == expected)
        #expect(Self.costs(try await Self.get(PriceBook(), "/api/overview")["jobs"]) == expected)
        let job = try await Self.get(PriceBook(), "/api/jobs/default/ftjob-done")["job"]
        #expect(job?["cost_usd"] == .double(3.703701))
    }

    @Test func theServersPricesApply() async throws {
        let prices = PriceBook(configured: ["gpt-4o-mini-2024-07-18": 1.0], azureAccounts: [])
        let costs = Self.costs(try await Self.get(prices, "/api/jobs"))
        #expect(costs["ftjob-done"] == [.double(1.234567), .bool(false)])
    }
}
