import FTDConfig
import FTDDaemon
import FTDEngine
import FTDModel
import FTDPostgres
import FTDStore
import Foundation
import Logging
import Testing

/// The daemon on a shared store (SPEC section 11), with a short lease: it stands by while
/// another daemon leads, takes over when the lease is released, gives the lease up (its
/// poller and hooks stopped) before it can expire when it cannot renew it, and releases it
/// on a graceful stop. The lease is a real PostgreSQL store's; the jobs and hooks are in an
/// SQLite store, so that what the daemon does with them is seen directly.
@Suite(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipReason), .timeLimit(.minutes(2)))
struct DaemonLeadershipTests {
    static let me = PostgresStore.DaemonInstance(host: "host-a", pid: 101)
    static let other = PostgresStore.DaemonInstance(host: "host-b", pid: 202)

    /// A lease whose store can be cut off: while `cut`, every call hangs, as on a network
    /// that drops the packets.
    final class SeveredLease: LeaderLease {
        let base: PostgresStore
        let cut = Locked(false)

        init(_ base: PostgresStore) { self.base = base }

        private func wire() async throws {
            while cut.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        }

        func acquireLease(ttl: Duration) async throws -> LeaseAttempt {
            try await wire()
            return try await base.acquireLease(ttl: ttl)
        }
        func releaseLease() async throws {
            try await wire()
            try await base.releaseLease()
        }
        func heartbeat(ttl: Duration) async throws {
            try await wire()
            try await base.heartbeat(ttl: ttl)
        }
        func removeHeartbeat() async throws {
            try await wire()
            try await base.removeHeartbeat()
        }
        func members() async throws -> StoreMembers { try await base.members() }
    }

    /// A daemon of `lease`, on an in-memory SQLite store holding one pending delivery of
    /// `hook`, polling an API that is not there (its cycles fail at once).
    struct Harness {
        let database: AppDatabase
        let records = LogRecords()
        let daemon: Daemon
        let configuration: Configuration

        init(lease: any LeaderLease, ttl: Duration, hook: HookSettings) throws {
            database = try AppDatabase.inMemory()
            _ = try database.record(cycle: CycleRecord(observedAt: 1))  // the baseline
            var cycle = CycleRecord(
                observedAt: 2, jobs: [FineTuningJob(id: "ftjob-1", status: "queued", createdAt: 1)])
            cycle.hooks = [hook]
            _ = try database.record(cycle: cycle)
            var configuration = Configuration(storage: StorageSettings(database: ":memory:"))
            configuration.api.baseURL = "http://127.0.0.1:9/v1"
            configuration.api.maxRetries = 0
            configuration.api.requestTimeout = 2
            configuration.poll.interval = 1
            configuration.poll.idleInterval = 1
            configuration.hooks = [hook]
            configuration.daemon.stopTimeout = 30
            self.configuration = configuration
            let records = self.records
            var logger = Logger(label: "test") { _ in CapturingLogHandler(records: records) }
            logger.logLevel = .info
            daemon = Daemon(
                store: SQLiteStore(database), lease: lease, leaseTiming: LeaseTiming(ttl: ttl),
                httpClient: .tests, notifier: nil,
                loader: { [configuration] in (configuration, apiKey: "k") },
                logger: logger)
        }

        func logged(_ text: String) -> Bool { records.all.contains { $0.text.hasPrefix(text) } }

        /// Waits until a line starting with `text` was logged.
        func waitFor(_ text: String, within limit: Duration = .seconds(30)) async throws {
            let end = ContinuousClock.now + limit
            while !logged(text) {
                guard ContinuousClock.now < end else {
                    Issue.record("never logged \(text.debugDescription): \(records.all.map(\.text))")
                    throw CancellationError()
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    func stores() async throws -> (mine: PostgresStore, other: PostgresStore) {
        let server = try TestPostgres.required()
        let schema = try await server.freshSchema()
        return (
            try await server.open(schema: schema, instance: Self.me),
            try await server.open(schema: schema, instance: Self.other)
        )
    }

    /// Until `condition` holds, or fails the test after `limit`.
    func eventually(
        within limit: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool
    ) async throws {
        let end = ContinuousClock.now + limit
        while try await !condition() {
            guard ContinuousClock.now < end else {
                Issue.record("never: \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func aLeaderThatCannotRenewStopsItsHooksBeforeTheLeaseExpiresThenStandsBy() async throws {
        let (mine, other) = try await stores()
        defer {
            mine.close()
            other.close()
        }
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("ftd-lease-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let hook = HookSettings(
            name: "slow", on: ["*"], command: .shell("echo started > '\(marker)'; exec sleep 60"),
            timeout: 120,
            retries: 0)
        let lease = SeveredLease(mine)
        // 6 s: renewed every 2 s, given up 1.5 s before it expires.
        let harness = try Harness(lease: lease, ttl: .seconds(6), hook: hook)
        let running = Task { try await harness.daemon.run(configuration: harness.configuration, apiKey: "k") }
        defer { running.cancel() }

        try await harness.waitFor("became leader (term 1)")
        try await eventually("the hook started") { FileManager.default.fileExists(atPath: marker) }
        #expect(try await other.members().daemons.map(\.host) == ["host-a"])

        lease.cut.withLock { $0 = true }
        let severed = ContinuousClock.now
        try await harness.waitFor("lost the leader lease: not renewed for ")
        // Counted from the last renewal that was sent: at least the 4.5 s the lease is kept
        // without one (more when the process was slow to wake).
        let line = try #require(
            harness.records.all.first { $0.text.hasPrefix("lost the leader lease") }?.text)
        let seconds = try #require(
            line.firstMatch(of: /not renewed for ([0-9.]+) s/).flatMap { Double($0.1) })
        #expect(seconds >= 4.5 && seconds < 6, "\(line)")
        // Within the lease: the other daemon cannot have it yet.
        guard case .held(let holder?) = try await other.acquireLease(ttl: .seconds(30)) else {
            Issue.record("the lease expired before its leader gave it up")
            return
        }
        #expect(holder.instance == Self.me.id)
        #expect(ContinuousClock.now - severed < .seconds(6))
        // The hook was stopped at once (not after stop_timeout's 30 s), its attempt recorded
        // as cut short, still within the lease; its delivery waits for the next leader.
        try await eventually(within: .seconds(4), "the hook's attempt recorded as cut short") {
            try harness.database.hookRuns().first?.lastStderrLine?.contains("stopped by the daemon") == true
        }
        guard case .held = try await other.acquireLease(ttl: .seconds(30)) else {
            Issue.record("the hook was still running when the lease expired")
            return
        }
        let pending = try harness.database.pendingDeliveries()
        #expect(pending.count == 1)
        #expect(pending.first?.attemptsMade == 0)
        #expect(harness.records.all.filter { $0.text.hasPrefix("lost the leader lease") }.count == 1)
        #expect(harness.logged("hook stopped: this daemon lost the leader lease"))

        // Once the lease expired the other daemon takes it, with the next term; the first,
        // back on the network, stands by.
        try await eventually(within: .seconds(10), "the other daemon took over") {
            try await other.acquireLease(ttl: .seconds(30)) == .granted(LeaseGrant(term: 2, tookOver: true))
        }
        lease.cut.withLock { $0 = false }
        try await harness.waitFor("standing by: host-b pid 202 leads")
        #expect(try harness.database.pendingDeliveries().count == 1)
    }

    @Test func aStandbyNeitherPollsNorTouchesTheLeadersAttemptsAndTakesOverOnRelease() async throws {
        let (mine, other) = try await stores()
        defer {
            mine.close()
            other.close()
        }
        let hook = HookSettings(
            name: "quick", on: ["*"], command: .argv(["/bin/true"]), timeout: 30, retries: 0)
        let harness = try Harness(lease: mine, ttl: .seconds(6), hook: hook)
        // The leader runs the hook: its attempt is `running`.
        let delivery = try #require(try harness.database.pendingDeliveries().first)
        _ = try harness.database.beginAttempt(deliveryID: delivery.id, startedAt: 3)
        #expect(
            try await other.acquireLease(ttl: .seconds(30)) == .granted(LeaseGrant(term: 1, tookOver: true)))

        let ticks = Locked(0)
        let running = Task {
            try await harness.daemon.run(configuration: harness.configuration, apiKey: "k") { _ in
                ticks.withLock { $0 += 1 }
                // A graceful stop after the first cycle, once the hook ran.
                let end = ContinuousClock.now + .seconds(20)
                while (try? harness.database.pendingDeliveries().isEmpty) == false, ContinuousClock.now < end
                {
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return false
            }
        }
        defer { running.cancel() }
        try await harness.waitFor("standing by: host-b pid 202 leads")
        try await Task.sleep(for: .seconds(2))
        #expect(ticks.withLock { $0 } == 0)
        #expect(try harness.database.pendingDeliveries().first?.interruptedRuns == 0)
        #expect(try await mine.members().standbys.map(\.host) == ["host-a"])

        // The leader stops gracefully: the standby takes over within its recheck (2 s), not
        // the lease's 30 s.
        let released = ContinuousClock.now
        try await other.releaseLease()
        try await harness.waitFor("became leader (term 2)", within: .seconds(10))
        #expect(ContinuousClock.now - released < .seconds(5))
        // Then, as a starting daemon: the dead leader's attempt interrupted, the delivery
        // run again (with retries = 0, only an interrupted attempt leaves it one), a cycle.
        try await running.value
        #expect(ticks.withLock { $0 } == 1)
        #expect(try harness.database.pendingDeliveries().isEmpty)
        let view = try #require(try harness.database.hookRuns().first)
        #expect(view.status == "succeeded")
        #expect(view.attempts == 2)

        // Its graceful stop released the lease and removed its row: taken at once.
        #expect(
            try await other.acquireLease(ttl: .seconds(30)) == .granted(LeaseGrant(term: 3, tookOver: true)))
        #expect(try await other.members().daemons.isEmpty)
    }

    @Test func runOnceTakesTheLeaseRunsAndReleasesIt() async throws {
        let (mine, other) = try await stores()
        defer {
            mine.close()
            other.close()
        }
        let hook = HookSettings(
            name: "quick", on: ["*"], command: .argv(["/bin/true"]), timeout: 30, retries: 0)
        let harness = try Harness(lease: mine, ttl: .seconds(3), hook: hook)
        _ = try await harness.daemon.runOnce(configuration: harness.configuration, apiKeys: ["default": "k"])
        #expect(harness.logged("became leader (term 1)"))
        #expect(try harness.database.pendingDeliveries().isEmpty)
        #expect(
            try await other.acquireLease(ttl: .seconds(30)) == .granted(LeaseGrant(term: 2, tookOver: true)))
    }

    @Test func runOnceGivesUpAfterALeasePeriodWhileAnotherDaemonKeepsTheLease() async throws {
        let (mine, other) = try await stores()
        defer {
            mine.close()
            other.close()
        }
        let hook = HookSettings(
            name: "quick", on: ["*"], command: .argv(["/bin/true"]), timeout: 30, retries: 0)
        let harness = try Harness(lease: mine, ttl: .seconds(2), hook: hook)
        _ = try await other.acquireLease(ttl: .seconds(2))
        let keeping = Task {
            while !Task.isCancelled {
                _ = try? await other.acquireLease(ttl: .seconds(2))
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
        defer { keeping.cancel() }
        let started = ContinuousClock.now
        do {
            _ = try await harness.daemon.runOnce(
                configuration: harness.configuration, apiKeys: ["default": "k"])
            Issue.record("ran while another daemon led")
        } catch let elsewhere as Daemon.LeaderElsewhere {
            #expect(elsewhere.holder?.name == "host-b pid 202")
            #expect("\(elsewhere)".hasPrefix("another ftd (host-b, pid 202) leads "))
        }
        #expect(ContinuousClock.now - started >= .seconds(2))
        #expect(try harness.database.pendingDeliveries().count == 1)
    }
}
