import FTDSimulator
import Foundation
import Testing

/// The built `ftd` against a real PostgreSQL server (SPEC section 11): `ftd migrate`, and
/// every reading command printing from the store what it printed from the file.
@Suite(.enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason), .timeLimit(.minutes(5)))
struct PostgresEndToEndTests {
    /// A few jobs through the daemon's cycles with a hook on every status, so that the
    /// file holds transitions, events, steps, checkpoints, deliveries and hook runs.
    static func fillSQLite(_ sandbox: Sandbox, log: String) async throws {
        try sandbox.writeConfig(
            HookTests.hookConfig("every", command: "'echo \"$FTD_DELIVERY_ID\" >> \(log)'"))
        #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
        for _ in 0..<4 {
            await sandbox.simulator.advanceClock(by: 400)
            let run = try await sandbox.ftd(["run", "--once"])
            #expect(run.status == 0, "\(run.stderr)")
        }
    }

    @Test func migrateCopiesTheHistoryAndEveryCommandReadsTheSameFromTheStore() async throws {
        let server = try #require(PostgresServer.shared)
        try await server.withDatabase { database in
            let simulator = SimulatorConfiguration(
                clock: .manual(start: 1_750_000_000), finishedJobs: 5, activeJobs: 4, seed: 18)
            try await Sandbox.with(simulator) { sandbox in
                let log = sandbox.directory.appendingPathComponent("hooks.log").path
                try await Self.fillSQLite(sandbox, log: log)
                let fromFile = try await sandbox.ftd(["history", "--json"], environment: [:])
                #expect(fromFile.status == 0)
                let ids = try #require(
                    try JSONSerialization.jsonObject(with: Data(fromFile.stdout.utf8)) as? [[String: Any]]
                ).compactMap { $0["id"] as? String }
                #expect(ids.count >= 9)
                let hooksRun = HookTests.lines(log).count
                #expect(hooksRun > 0)

                let migrate = try await sandbox.ftd(
                    ["migrate", "--to", database.url], environment: ["PGPASSWORD": server.password])
                #expect(migrate.status == 0, "\(migrate.stderr)")
                #expect(migrate.stdout.contains("copied \(ids.count) job(s)"), "\(migrate.stdout)")

                let store = ["FTD_DATABASE": database.url, "PGPASSWORD": server.password]
                let fromStore = try await sandbox.ftd(["history", "--json"], environment: store)
                #expect(fromStore.status == 0, "\(fromStore.stderr)")
                #expect(fromStore.stdout == fromFile.stdout)
                for id in ids {
                    let file = try await sandbox.ftd(["history", id, "--json"], environment: [:])
                    let shared = try await sandbox.ftd(["history", id, "--json"], environment: store)
                    #expect(shared.status == 0, "\(shared.stderr)")
                    #expect(shared.stdout == file.stdout, "history \(id) --json")
                }
                for command in [
                    ["history"], ["history", "--status", "succeeded"], ["report"], ["hooks", "runs"],
                ] {
                    let file = try await sandbox.ftd(command, environment: ["COLUMNS": "120"])
                    let shared = try await sandbox.ftd(
                        command, environment: store.merging(["COLUMNS": "120"]) { $1 })
                    #expect(shared.status == file.status, "\(command): \(shared.stderr)")
                    #expect(shared.stdout == file.stdout, "\(command)")
                }

                // Into a store that holds a history: refused, and nothing changes.
                let again = try await sandbox.ftd(
                    ["migrate", "--to", database.url], environment: ["PGPASSWORD": server.password])
                #expect(again.status == 65)
                #expect(again.stderr.contains("already holds an ftd history"), "\(again.stderr)")
                #expect(
                    try await server.psql("SELECT COUNT(*) FROM jobs", database: database.name)
                        == "\(ids.count)")

                // The daemon goes on from the store: no copied delivery runs again, and the
                // jobs' next changes fire the hooks once each.
                await sandbox.simulator.advanceClock(by: 7 * 86_400)
                let next = try await sandbox.ftd(
                    ["run", "--once"], environment: store.merging(["OPENAI_API_KEY": Sandbox.apiKey]) { $1 })
                #expect(next.status == 0, "\(next.stderr)")
                let lines = HookTests.lines(log)
                #expect(Set(lines).count == lines.count, "a delivery ran twice: \(lines)")
                #expect(lines.count > hooksRun)
                #expect(
                    try await server.psql(
                        "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'", database: database.name)
                        == "0")

                for output in [migrate.stdout, migrate.stderr, fromStore.stderr, again.stderr, next.stderr] {
                    #expect(!output.contains(server.password))
                }
            }
        }
    }

    @Test func aWrongPasswordOrAnUnreachableServerIsOneLineThatNeverShowsThePassword() async throws {
        let server = try #require(PostgresServer.shared)
        try await Sandbox.with { sandbox in
            let wrong = try await sandbox.ftd(
                ["history"], environment: ["FTD_DATABASE": server.url, "PGPASSWORD": "not-the-password"])
            #expect(wrong.status != 0)
            #expect(wrong.stderr.hasPrefix("ftd: "), "\(wrong.stderr)")
            #expect(wrong.stderr.split(separator: "\n").count == 1, "\(wrong.stderr)")
            #expect(wrong.stderr.contains("password"), "\(wrong.stderr)")
            #expect(!wrong.stderr.contains("not-the-password"))

            let closed = try await sandbox.ftd(
                ["history"],
                environment: ["FTD_DATABASE": "postgres://ftd@127.0.0.1:9/ftd", "PGPASSWORD": "x"])
            #expect(closed.status == 69 || closed.status == 75, "\(closed.status): \(closed.stderr)")
            #expect(closed.stderr.contains("postgres://ftd@127.0.0.1:9/ftd"), "\(closed.stderr)")
            #expect(closed.stderr.split(separator: "\n").count == 1, "\(closed.stderr)")
        }
    }
}
