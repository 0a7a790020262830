import FTDSimulator
import Foundation
import Testing

/// Two daemons on one PostgreSQL store (SPEC section 11, issue 18): the leader is killed
/// with `kill -9` at random points while jobs change and hooks run, and a new daemon is
/// started in its place each time. After every kill a standby takes over within a lease
/// period; in the end every transition is recorded once, every delivery has run (at least
/// once) and is done, and no delivery that was done before a kill ever ran again.
/// `FTD_FAILOVER_KILLS` (default 3) and `FTD_FAILOVER_SEED` pick the run.
@Suite(
    .enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason),
    .timeLimit(.minutes(4 + failoverKills * 2)))
struct PostgresFailoverTests {
    /// The lease of a 1 s poll interval: 3 × 1 s, raised to the 30 s minimum.
    static let lease: Duration = .seconds(30)

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["FTD_FAILOVER_SEED"].flatMap { UInt64($0) }
            ?? UInt64(Date().timeIntervalSince1970 * 1000)
    }

    /// A job that moves on every few simulated minutes, so that the clock's steps keep
    /// every daemon's cycles busy with transitions.
    static func job(_ number: Int) -> JobScript {
        JobScript(
            suffix: "failover-\(number)", examples: 10, epochs: 1,
            durations: JobDurations(validating: 60, queued: 60, perStep: 20, finishing: 60),
            outcome: number % 3 == 0
                ? .fail(JobFailure(code: "server_error", message: "simulated"), afterStep: 3) : .succeed)
    }

    struct Kill {
        var leaderPID: Int32
        /// Hook log lines written before the kill.
        var logLength: Int
        /// The deliveries done before the kill: none may run after it.
        var done: Set<String>
        var takeover: Duration = .zero
    }

    @Test func killingTheLeaderAtRandomPointsLosesNothingAndRunsNoFinishedDeliveryAgain() async throws {
        let server = try #require(PostgresServer.shared)
        try await server.withDatabase { database in
            let seed = Self.seed
            var random = SplitMix64(seed: seed)
            print("failover: \(failoverKills) kills, FTD_FAILOVER_SEED=\(seed)")
            let simulator = SimulatorConfiguration(
                clock: .manual(start: 1_750_000_000), finishedJobs: 3, activeJobs: 2, seed: seed)
            try await Sandbox.with(simulator) { sandbox in
                let log = sandbox.directory.appendingPathComponent("hooks.log").path
                // Each run says when it starts and when it ends, and takes a moment, so that
                // kills land while hooks run too.
                try sandbox.writeConfig(
                    HookTests.hookConfig(
                        "every",
                        command:
                            "'echo \"start $FTD_DELIVERY_ID $FTD_ATTEMPT\" >> \(log); sleep 0.2; echo \"end $FTD_DELIVERY_ID\" >> \(log)'",
                        retries: 3))
                let environment = [
                    "OPENAI_API_KEY": Sandbox.apiKey, "FTD_DATABASE": database.url,
                    "PGPASSWORD": server.password,
                ]
                var daemons = [try sandbox.start(["run"], environment: environment)]
                daemons.append(try sandbox.start(["run"], environment: environment))
                // Nil until a daemon has created the tables, and while no lease is live.
                let leaderPID = { () async throws -> Int32? in
                    let pid = try? await server.psql(
                        "SELECT pid FROM leader_lease WHERE expires_at > clock_timestamp()",
                        database: database.name)
                    return pid.flatMap { Int32($0) }
                }
                try await eventually(timeout: .seconds(60), "a leader") { try await leaderPID() != nil }

                // The clock moves on in the background: jobs change status and new ones come.
                let ticker = Task {
                    var number = 0
                    while !Task.isCancelled {
                        await sandbox.simulator.advanceClock(by: 45)
                        if number % 4 == 0 { _ = await sandbox.simulator.addJob(Self.job(number)) }
                        number += 1
                        try? await Task.sleep(for: .milliseconds(700))
                    }
                }
                defer { ticker.cancel() }

                var kills: [Kill] = []
                for round in 0..<failoverKills {
                    let step = "kill \(round + 1) (FTD_FAILOVER_SEED=\(seed))"
                    try await Task.sleep(for: .milliseconds(Int(random.next() % 4000) + 500))
                    let pid = try #require(try await leaderPID(), "\(step): no leader")
                    let leader = try #require(
                        daemons.first { $0.process.processIdentifier == pid }, "\(step): leader \(pid)")
                    let done = Set(
                        try await server.psql(
                            "SELECT id FROM deliveries WHERE status <> 'pending'", database: database.name
                        )
                        .split(separator: "\n").map(String.init))
                    var kill = Kill(leaderPID: pid, logLength: HookTests.lines(log).count, done: done)
                    leader.signal(SIGKILL)
                    let killed = ContinuousClock.now
                    _ = try await leader.wait(timeout: .seconds(10))
                    daemons.removeAll { $0.process.processIdentifier == pid }
                    daemons.append(try sandbox.start(["run"], environment: environment))
                    try await eventually(timeout: Self.lease + .seconds(20), "\(step): a new leader") {
                        guard let now = try await leaderPID() else { return false }
                        return now != pid
                    }
                    kill.takeover = ContinuousClock.now - killed
                    print("failover: \(step): takeover after \(kill.takeover)")
                    #expect(
                        kill.takeover < Self.lease + .seconds(10), "\(step): takeover took \(kill.takeover)")
                    kills.append(kill)
                }

                // Let every job finish and every delivery run, then stop the daemons gracefully.
                ticker.cancel()
                await sandbox.simulator.advanceClock(by: 60 * 86_400)
                let diagnosis = {
                    let jobs = try? await server.psql(
                        "SELECT id, status, final_sync_done FROM jobs WHERE status NOT IN ('succeeded', 'failed', 'cancelled') OR NOT final_sync_done",
                        database: database.name)
                    let pending = try? await server.psql(
                        "SELECT id, hook, attempts, claimed_by FROM deliveries WHERE status = 'pending'",
                        database: database.name)
                    let lease = try? await server.psql(
                        "SELECT holder, pid, term, expires_at FROM leader_lease", database: database.name)
                    return
                        "open jobs: \(jobs ?? "?"); pending: \(pending ?? "?"); lease: \(lease ?? "?"); daemons: "
                        + daemons.map { $0.stderr.suffix(2000) }.joined(separator: "\n---\n")
                }
                do {
                    try await eventually(timeout: .seconds(90), "every job finished and every delivery done")
                    {
                        let open = try await server.psql(
                            """
                            SELECT (SELECT COUNT(*) FROM jobs WHERE status NOT IN ('succeeded', 'failed', 'cancelled')
                                OR NOT final_sync_done) + (SELECT COUNT(*) FROM deliveries WHERE status = 'pending')
                            """, database: database.name)
                        return open == "0"
                    }
                } catch {
                    Issue.record("\(error): \(await diagnosis())")
                    throw error
                }
                for daemon in daemons { daemon.signal(SIGTERM) }
                for daemon in daemons { _ = try await daemon.wait(timeout: .seconds(30)) }

                let lines = HookTests.lines(log)
                // No delivery that was done before a kill ran after it.
                for (index, kill) in kills.enumerated() {
                    let rerun = lines.dropFirst(kill.logLength).filter { line in
                        let parts = line.split(separator: " ")
                        return parts.first == "start" && parts.count > 1
                            && kill.done.contains(String(parts[1]))
                    }
                    #expect(rerun.isEmpty, "kill \(index + 1): deliveries done before it ran again: \(rerun)")
                }
                // Every transition recorded once: each job's chain of statuses links up, with
                // no status change twice.
                let chains = try await server.psql(
                    """
                    SELECT account || '/' || job_id || ' ' || COALESCE(from_status, '-') || '>' || to_status
                    FROM transitions ORDER BY id
                    """, database: database.name
                ).split(separator: "\n").map(String.init)
                var last: [String: String] = [:]
                for entry in chains {
                    let parts = entry.split(separator: " ")
                    let job = String(parts[0])
                    let change = parts[1].split(separator: ">", omittingEmptySubsequences: false).map(
                        String.init)
                    #expect(
                        change[0] == (last[job] ?? "-"), "\(job): \(change) after \(last[job] ?? "nothing")")
                    last[job] = change[1]
                }
                let jobs = try await server.psql("SELECT COUNT(*) FROM jobs", database: database.name)
                #expect(Int(jobs) == last.count)
                // Every delivery ran, and each transition after the baseline has its delivery.
                let deliveries = try await server.psql(
                    "SELECT id FROM deliveries ORDER BY seq", database: database.name
                ).split(separator: "\n").map(String.init)
                let started = Set(
                    lines.compactMap { line -> String? in
                        let parts = line.split(separator: " ")
                        return parts.first == "start" ? String(parts[1]) : nil
                    })
                #expect(!deliveries.isEmpty)
                for delivery in deliveries {
                    #expect(started.contains(delivery), "delivery \(delivery) never ran")
                }
                #expect(
                    try await server.psql(
                        "SELECT COUNT(*) FROM transitions WHERE NOT is_baseline", database: database.name)
                        == String(deliveries.count))
            }
        }
    }
}

/// `FTD_FAILOVER_KILLS`, default 3.
let failoverKills = ProcessInfo.processInfo.environment["FTD_FAILOVER_KILLS"].flatMap { Int($0) } ?? 3
