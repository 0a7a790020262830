import FTDSimulator
import Foundation
import Testing

/// The database file deleted or replaced under the daemon, locked by another process, or damaged.
extension StorageFaultTests {
    // MARK: A database deleted or replaced under the daemon

    @Test(.enabled(if: DatabaseProbe.hasSQLite3), arguments: ["deleted", "replaced"])
    func aDatabaseDeletedOrReplacedStopsTheDaemonWith73AndTheRestartStartsCleanly(how: String) async throws {
        try await Sandbox.with { sandbox in
            let log = try Self.recordingHook(sandbox)
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)  // the baseline
            let daemon = try sandbox.start(["run"])
            try await eventually("the daemon's first cycle") { daemon.stderr.contains("ready") }

            let path = sandbox.databasePath
            if how == "deleted" {
                try FileManager.default.removeItem(atPath: path)
            } else {
                try FileManager.default.copyItem(atPath: path, toPath: path + ".copy")
                #expect(rename(path + ".copy", path) == 0)
            }
            await sandbox.simulator.advanceClock(by: 25)  // validating_files → queued
            let result = try await daemon.wait(timeout: .seconds(30))
            #expect(result.status == 73, "\(result.stderr)")
            #expect(try !Self.unitPreventsRestart(after: result.status))
            let line = try #require(result.stderr.split(separator: "\n").last.map(String.init))
            #expect(
                line
                    == "ftd: the database \(path) was deleted or replaced while ftd ran; restart ftd to start a new one"
            )
            #expect(HookTests.lines(log).isEmpty)

            // systemd restarts it.
            let restart = try await sandbox.ftd(["run", "--once"])
            #expect(restart.status == 0, "\(restart.stderr)")
            #expect(try await P.integrityCheck(path) == ["ok"])
            if how == "deleted" {
                // A new database, whose first cycle is a baseline: no hook.
                #expect(try await Self.transitions(sandbox) == ["->queued"])
                #expect(HookTests.lines(log).isEmpty)
            } else {
                // The file put in its place is the database now, and goes on from where it was.
                #expect(
                    try await Self.transitions(sandbox) == ["->validating_files", "validating_files>queued"])
                #expect(HookTests.lines(log) == ["queued"])
            }
        }
    }

    // MARK: A database locked by another process

    @Test(.enabled(if: DatabaseProbe.hasSQLite3))
    func aLongReaderDoesNotBlockTheDaemonAndAWriterLockFailsCyclesUntilItIsGone() async throws {
        try await Sandbox.with { sandbox in
            let log = try Self.recordingHook(sandbox)
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)  // the baseline
            let daemon = try sandbox.start(["run"])
            try await eventually("the daemon's first cycle") { daemon.stderr.contains("ready") }

            // WAL: a reader, however long, does not hold up the writer.
            let reader = try SQLiteShell(sandbox.databasePath, in: sandbox.directory)
            try await reader.run("BEGIN; SELECT COUNT(*) FROM jobs;")
            await sandbox.simulator.advanceClock(by: 25)  // → queued
            try await eventually("the hook, despite the reader") { HookTests.lines(log) == ["queued"] }
            try await reader.close()

            let writer = try SQLiteShell(sandbox.databasePath, in: sandbox.directory)
            try await writer.run("BEGIN EXCLUSIVE;")
            await sandbox.simulator.advanceClock(by: 30)  // → running
            // Wait for a cycle's own line: the outcome write of a cycle that committed just
            // before the lock was taken can meet it first (a CI race), and says less.
            try await eventually("a cycle to give up on the lock") {
                daemon.stderr.split(separator: "\n").contains {
                    $0.contains("locked by another process") && $0.hasSuffix("retrying next cycle")
                }
            }
            #expect(HookTests.lines(log) == ["queued"])
            try await writer.close()
            try await eventually("the hook once the lock is gone") {
                HookTests.lines(log) == ["queued", "running"]
            }
            daemon.signal(SIGTERM)
            let result = try await daemon.wait(timeout: .seconds(30))
            #expect(result.status == 0, "\(result.stderr)")
            Self.expectOnlyFaultLines(result.stderr, "is locked by another process (database is locked)")

            // `--once` gives up after the busy timeout with 75, like another ftd's lock.
            let again = try SQLiteShell(sandbox.databasePath, in: sandbox.directory)
            try await again.run("BEGIN EXCLUSIVE;")
            let once = try await sandbox.ftd(["run", "--once"])
            try await again.close()
            #expect(once.status == 75, "\(once.stderr)")
            #expect(try !Self.unitPreventsRestart(after: once.status))
            let line = try #require(once.stderr.split(separator: "\n").last.map(String.init))
            #expect(line.hasPrefix("ftd: the database \(sandbox.databasePath) is locked by another process"))
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            #expect(try await P.integrityCheck(sandbox.databasePath) == ["ok"])
        }
    }

    /// The cycle was recorded and only a later write (a hook attempt's end) met the lock:
    /// `--once` exits 75 without claiming that nothing of the cycle was recorded.
    @Test(.enabled(if: DatabaseProbe.hasSQLite3))
    func aLockAfterTheCycleDoesNotSayTheCycleWasLost() async throws {
        try await Sandbox.with { sandbox in
            let started = sandbox.directory.appendingPathComponent("started").path
            let locked = sandbox.directory.appendingPathComponent("locked").path
            try sandbox.writeConfig(
                HookTests.hookConfig(
                    "waiter", on: "\"queued\"",
                    command: "'touch \(started); while [ ! -e \(locked) ]; do sleep 0.1; done'", retries: 0))
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)  // the baseline
            await sandbox.simulator.advanceClock(by: 25)  // → queued
            let once = try sandbox.start(["run", "--once"])
            try await eventually("the hook") { FileManager.default.fileExists(atPath: started) }
            let writer = try SQLiteShell(sandbox.databasePath, in: sandbox.directory)
            try await writer.run("BEGIN EXCLUSIVE;")
            _ = FileManager.default.createFile(atPath: locked, contents: nil)
            let result = try await once.wait(timeout: .seconds(30))
            try await writer.close()
            #expect(result.status == 75, "\(result.stderr)")
            let line = try #require(result.stderr.split(separator: "\n").last.map(String.init))
            #expect(line.hasPrefix("ftd: the database \(sandbox.databasePath) is locked by another process"))
            #expect(!line.contains("nothing of this cycle was recorded"), "\(line)")
            #expect(
                try await Self.transitions(sandbox) == ["->validating_files", "validating_files>queued"])
        }
    }

    // MARK: A damaged database file

    /// Garbage is not an SQLite file at all (66, as for a path naming someone else's file);
    /// a truncated or overwritten SQLite file is ftd's database, damaged (65). Neither is
    /// something a restart can mend, and neither is ever written to.
    @Test(.enabled(if: DatabaseProbe.hasSQLite3), arguments: ["garbage", "truncated", "overwritten"])
    func aDamagedDatabaseStopsEveryStartWithOneLineAndIsLeftUntouched(damage: String) async throws {
        let configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000), finishedJobs: 30)
        try await Sandbox.with(configuration) { sandbox in
            let log = try Self.recordingHook(sandbox)
            let path = sandbox.databasePath
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)  // the baseline
            try await P.must("sqlite3 '\(path)' 'PRAGMA wal_checkpoint(TRUNCATE)'", in: sandbox.directory)
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            switch damage {
            case "garbage":
                try await P.must(
                    "head -c \(size) /dev/urandom > '\(path)'", in: sandbox.directory)
            case "truncated":
                #expect(truncate(path, off_t(size / 2)) == 0)
            default:
                try await P.must(
                    "dd if=/dev/urandom of='\(path)' bs=4096 seek=\(size / 4096 / 2) count=4 conv=notrunc",
                    in: sandbox.directory)
            }
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            await sandbox.simulator.advanceClock(by: 25)  // a transition, were anything recorded

            // As systemd would restart it.
            for _ in 0..<3 {
                let result = try await sandbox.ftd(["run"], timeout: .seconds(30))
                let lines = result.stderr.split(separator: "\n").map(String.init)
                let line = try #require(lines.last)
                if damage == "garbage" {
                    #expect(result.status == 66, "\(result.stderr)")
                    #expect(
                        line.hasPrefix("ftd: \(path) is not an ftd database (not an SQLite file)"), "\(line)")
                } else {
                    #expect(result.status == 65, "\(result.stderr)")
                    #expect(line.hasPrefix("ftd: the database \(path) is damaged ("), "\(line)")
                    #expect(line.contains("move the file and its -wal and -shm aside"), "\(line)")
                }
                #expect(lines.filter { $0.hasPrefix("ftd: ") }.count == 1, "\(result.stderr)")
                #expect(
                    try Self.unitPreventsRestart(after: result.status), "systemd would restart it in a loop")
            }
            #expect(HookTests.lines(log).isEmpty)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
    }
}
