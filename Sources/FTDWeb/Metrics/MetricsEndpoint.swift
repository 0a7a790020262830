import CoreMetrics
import FTDModel
import FTDStore
import Hummingbird
import NIOCore
import Prometheus

/// `GET /metrics` (SPEC section 9): Prometheus' text format of one registry.
///
/// The counters are made in it through swift-metrics by the parts that count (the API
/// client, the poll cycle, the hook dispatcher) once `ftd run` has bootstrapped
/// `factory`; the gauges of stored state are read from the store at each scrape, so that
/// `ftd serve`, which counts nothing, exports them too. A scrape is one read on the
/// store's own queue: it holds no write and delays no cycle.
public final class MetricsEndpoint: Sendable {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public let registry: PrometheusCollectorRegistry
    private let storedState: Locked<StoredStateGauges>

    public init(
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        version: String = BuildInfo.version, accounts: [String] = [DefaultAccount.name]
    ) {
        self.registry = registry
        storedState = Locked(StoredStateGauges(accounts: accounts))
        registry.makeGauge(
            descriptor: MetricsCatalog.descriptor("ftd_build_info"), labels: [("version", version)]
        )
        .set(to: 1)
    }

    /// The swift-metrics factory whose counters this endpoint exports: `ftd run`
    /// bootstraps `MetricsSystem` with it.
    public var factory: any MetricsFactory { DescribedMetricsFactory(registry: registry) }

    /// The text of one scrape: the stored state as read now, and the counters.
    public func exposition(from store: any DaemonStatusStore) async throws -> String {
        let snapshot = try await store.metricsSnapshot()
        return storedState.withLock { gauges in
            gauges.update(snapshot, in: registry)
            return registry.emitToString()
        }
    }

    func response(from store: any DaemonStatusStore) async -> Response {
        let text: String
        do {
            text = try await exposition(from: store)
        } catch {
            return .problem("the database cannot be read: \(error)", status: .internalServerError)
        }
        var headers = HTTPFields()
        headers[.contentType] = Self.contentType
        return Response(
            status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
