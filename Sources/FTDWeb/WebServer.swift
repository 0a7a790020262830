import FTDConfig
import FTDModel
import FTDStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP side of ftd (SPEC section 9): the JSON API, `/metrics` and `/healthz`,
/// read-only, from the store. `ftd run` adds it to its services when `[http]` is set; `ftd serve` runs it alone.
///
/// Every answer is read through `HistoryStore` (a query on the store's own queue), so a
/// slow client never holds a database write and never delays a poll cycle.
public struct WebServer: Sendable {
    public typealias Store = HistoryStore & DaemonStatusStore

    let settings: HTTPSettings
    let token: String?
    let store: any Store
    let poll: PollSettings
    let logger: Logger
    let info: ServerInfo
    /// The configured accounts' names, in the configuration's order.
    let accounts: [String]
    /// How jobs are priced (`cost_usd`): the configuration's `priceBook`, read at start
    /// (a reload keeps the server, and with it these prices).
    let prices: PriceBook
    /// Charts of the jobs asked for lately, shared by every request.
    let charts = ChartCache()
    /// `/metrics`: the daemon's counters, and the gauges read from the store.
    let metrics: MetricsEndpoint
    /// Unix seconds now; a test sets the clock.
    var now: @Sendable () -> Int64 = WallClock.unixSeconds
    /// `POST /webhooks/{account}`: nil until the daemon sets it (`WebhookEndpoint`), and
    /// then every webhook gets 400, as one for an unknown account does.
    public var webhooks: WebhookEndpoint?
    /// How long a connection may send nothing, mid-request or between requests, before it
    /// is closed. Without it a client that opens connections and sends half a request head
    /// (slowloris) holds each one, and a descriptor, for good: `/webhooks/` faces the
    /// internet. A test shortens it.
    var idleTimeout: TimeAmount = .seconds(60)

    /// `version` and `readOnly` are what `/api/info` tells the pages (`ftd serve` is
    /// read-only: nothing polls behind it).
    /// - Parameter metrics: the registry `ftd run` counts in; `ftd serve`, which counts
    ///   nothing, exports the stored state and the build alone.
    public init(
        settings: HTTPSettings, token: String?, store: any Store, poll: PollSettings, logger: Logger,
        version: String = BuildInfo.version, readOnly: Bool = false,
        metrics: MetricsEndpoint = MetricsEndpoint(), accounts: [String] = [DefaultAccount.name],
        prices: PriceBook = PriceBook()
    ) {
        self.accounts = accounts.isEmpty ? [DefaultAccount.name] : accounts
        self.prices = prices
        self.settings = settings
        self.token = token
        self.store = store
        self.poll = poll
        self.logger = logger
        self.info = ServerInfo(version: version, readOnly: readOnly, pollInterval: poll.interval)
        self.metrics = metrics
    }

    /// The server, ready to run as a service; `onRunning` hears the port it bound (the
    /// configured one, or the free one port 0 picked).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> Application<RouterResponder<BasicRequestContext>>
    {
        Application(
            router: router(),
            server: .http1(configuration: .init(idleTimeout: idleTimeout)),
            configuration: ApplicationConfiguration(
                address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger)
    }

    /// The server as a service (`ftd run`'s group, `ftd serve`): a failure to bind names
    /// the address.
    public func service(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        ListeningService(application: application(onRunning: onRunning), address: settings.authority())
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: AccessGuard(settings: settings, token: token))
        router.add(middleware: ResponseCompression())
        let api = JobAPI(store: store, charts: charts, prices: prices, now: now)
        router.get("/api/jobs") { request, _ in try await api.jobs(request) }
        router.get("/api/jobs/{account}/{id}") { request, context in
            try await api.job(
                account: try Self.parameter("account", context), id: try Self.parameter("id", context),
                request)
        }
        let health = HealthCheck(store: store, poll: poll, accounts: accounts, now: now)
        router.get("/healthz") { _, _ in await health.response() }
        let metrics = metrics
        let store = store
        router.get("/metrics") { _, _ in await metrics.response(from: store) }

        let dashboard = DashboardAPI(store: store, info: info, accounts: accounts, prices: prices)
        router.get("/api/info") { _, _ in dashboard.serverInfo() }
        router.get("/api/overview") { request, _ in try await dashboard.overview(request) }
        router.get("/api/jobs/{account}/{id}/job") { _, context in
            try await dashboard.job(
                account: try Self.parameter("account", context), id: try Self.parameter("id", context))
        }
        router.get("/api/jobs/{account}/{id}/events") { request, context in
            try await dashboard.events(
                account: try Self.parameter("account", context), id: try Self.parameter("id", context),
                request)
        }

        router.get("/") { _, _ in Pages.shell(.jobs) }
        router.get("/jobs/{account}/{id}") { _, _ in Pages.shell(.job) }
        // `/jobs/{id}`: the router wants one name for the first segment under /jobs/.
        router.get("/jobs/{account}") { _, context in
            try await self.jobAlias(try Self.parameter("account", context))
        }
        router.get("/compare") { _, _ in Pages.shell(.compare) }
        router.get("/assets/{name}") { _, context in Pages.asset(try context.parameters.require("name")) }

        // Past AccessGuard without a token or a Host check: the signature authenticates it.
        let webhooks = webhooks
        router.post("/webhooks/{account}") { request, context in
            let account = try Self.parameter("account", context)
            guard let webhooks else {
                return Response.problem(
                    "no account \(account.debugDescription) takes webhooks", status: .badRequest)
            }
            return await webhooks.receive(account: account, request)
        }
        return router
    }

    /// A path segment as the client meant it. The router hands it over still
    /// percent-encoded, while the pages build their URLs with encodeURIComponent (and
    /// `/jobs/{id}` answers with an encoded Location): `ftjob%3Ax` names the job `ftjob:x`.
    static func parameter(_ name: String, _ context: BasicRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// `/jobs/{id}`: the id (or a unique prefix, as `ftd history JOB` takes) sends the
    /// browser to the job's page under its account; one held by several accounts is
    /// ambiguous (404 listing them).
    func jobAlias(_ id: String) async throws -> Response {
        do {
            let job = try await store.resolveJob(id, account: nil)
            var response = Response(status: .found)
            response.headers[.location] = "/jobs/\(Self.pathSegment(job.account))/\(Self.pathSegment(job.id))"
            return response
        } catch let error as StoreError {
            return JobAPI.answer(error)
        }
    }

    /// A stored id as one path segment: only the characters ids are made of pass as they are.
    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? ""
    }

    private static let segmentCharacters = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
}
