import FTDSimulator
import Foundation
import Testing

/// The database's storage failing under the built `ftd` (issue 5, item 4): each fault gives
/// one clear line and a defined outcome, loses nothing recorded, and fires no hook for a
/// transition that was not recorded. The mount-based cases need root (CI runs as root).
@Suite(.timeLimit(.minutes(3))) struct StorageFaultTests {
    typealias P = DatabaseProbe

    static var canMountExt4: Bool {
        P.isRoot && FileManager.default.isExecutableFile(atPath: "/sbin/mkfs.ext4")
            && FileManager.default.isExecutableFile(atPath: "/sbin/e2fsck")
            && FileManager.default.fileExists(atPath: "/dev/loop-control")
            && FileManager.default.fileExists(atPath: "/sys/fs/ext4")
    }

    /// A hook on every status that appends the new status to a file.
    static func recordingHook(_ sandbox: Sandbox, log: String? = nil) throws -> String {
        let log = log ?? sandbox.directory.appendingPathComponent("hooks.log").path
        try sandbox.writeConfig(HookTests.hookConfig("record", command: "'echo \"$FTD_STATUS\" >> \(log)'"))
        return log
    }

    static func stateDirectory(_ sandbox: Sandbox) -> URL {
        URL(fileURLWithPath: (sandbox.databasePath as NSString).deletingLastPathComponent)
    }

    static func transitions(_ sandbox: Sandbox) async throws -> [String] {
        try await P.query(
            sandbox.databasePath,
            "SELECT coalesce(from_status, '-') || '>' || to_status FROM transitions ORDER BY id")
    }

    /// The daemon's stderr after it stopped: every error it logged was the fault's line. A
    /// fault that strikes between a cycle's commit and the write of its outcome (a race the
    /// test cannot rule out) is named once by that write, with the same fault.
    static func expectOnlyFaultLines(_ stderr: String, _ fault: String) {
        let errors = P.errorLines(stderr)
        let cycleLines = errors.filter {
            $0.contains(fault) && $0.hasSuffix("nothing of this cycle was recorded, retrying next cycle")
        }
        let outcomeLines = errors.filter {
            $0.contains("cannot record the cycle's outcome: ") && $0.contains(fault)
        }
        #expect(!cycleLines.isEmpty)
        #expect(outcomeLines.count <= 1, "\(errors)")
        #expect(cycleLines.count + outcomeLines.count == errors.count, "\(errors)")
    }

    /// Whether `systemd/ftd.service` keeps systemd from restarting ftd after this exit
    /// status: a fault a restart cannot mend must be listed, one it waits out must not.
    static func unitPreventsRestart(after status: Int32) throws -> Bool {
        let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("systemd/ftd.service")
        let line = try #require(
            try String(contentsOf: unit, encoding: .utf8).split(separator: "\n")
                .first { $0.hasPrefix("RestartPreventExitStatus=") })
        return line.dropFirst("RestartPreventExitStatus=".count).split(separator: " ").contains("\(status)")
    }

    // MARK: A full disk

    @Test(.enabled(if: DatabaseProbe.isRoot && DatabaseProbe.hasSQLite3))
    func aFullDiskFailsEachCycleWithOneLineAndTheCycleAfterSpaceIsFreedRecordsEverything() async throws {
        try await Sandbox.with { sandbox in
            let log = try Self.recordingHook(sandbox)
            let state = Self.stateDirectory(sandbox)
            try await P.withMount("-t tmpfs -o size=4m tmpfs", at: state, in: sandbox.directory) {
                #expect(try await sandbox.ftd(["run", "--once"]).status == 0)  // the baseline
                // Shrink the WAL to one small transaction (kept, as ftd keeps it), so that the
                // next cycle's write needs new blocks rather than reusing old ones.
                try await P.must(
                    "sqlite3 '\(sandbox.databasePath)' '.filectrl persist_wal 1' 'PRAGMA wal_checkpoint(TRUNCATE)' "
                        + "'CREATE TABLE probe (x); DROP TABLE probe'",
                    in: sandbox.directory)
                try await P.shell("dd if=/dev/zero of='\(state.path)/filler' bs=4k", in: sandbox.directory)
                await sandbox.simulator.advanceClock(by: 25)  // validating_files → queued

                let once = try await sandbox.ftd(["run", "--once"])
                #expect(once.status == 73, "\(once.stderr)")
                let line = try #require(once.stderr.split(separator: "\n").last.map(String.init))
                #expect(line.hasPrefix("ftd: the database \(sandbox.databasePath) is full ("), "\(line)")
                #expect(line.hasSuffix("nothing of this cycle was recorded"), "\(line)")

                let daemon = try sandbox.start(["run"])
                try await eventually("two failed cycles") {
                    P.count("retrying next cycle", in: daemon.stderr) >= 2
                }
                #expect(!daemon.hasExited)
                #expect(HookTests.lines(log).isEmpty)  // nothing recorded, nothing fired
                let whileFull = try await Self.transitions(sandbox)
                #expect(whileFull == ["->validating_files"])

                try FileManager.default.removeItem(at: state.appendingPathComponent("filler"))
                try await eventually("the hook of the transition recorded once space was freed") {
                    HookTests.lines(log) == ["queued"]
                }
                daemon.signal(SIGTERM)
                let result = try await daemon.wait(timeout: .seconds(30))
                #expect(result.status == 0, "\(result.stderr)")
                Self.expectOnlyFaultLines(result.stderr, "is full")
                #expect(
                    try await Self.transitions(sandbox) == ["->validating_files", "validating_files>queued"])
                #expect(try await P.integrityCheck(sandbox.databasePath) == ["ok"])
                #expect(HookTests.lines(log) == ["queued"])
            }
        }
    }

    // MARK: A read-only database

    /// `ftd` as a user that file modes bind (root ignores them): root runs it through setpriv
    /// as nobody.
    static func ftdAsUser(_ sandbox: Sandbox, _ arguments: [String]) async throws -> FTDProcess.Result {
        let environment = ["OPENAI_API_KEY": Sandbox.apiKey]
        guard P.isRoot else { return try await sandbox.ftd(arguments, environment: environment) }
        return try await FTDProcess.run(
            ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", FTDProcess.binary.path]
                + arguments + ["--config", sandbox.configPath],
            in: sandbox.directory, environment: environment, executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    @Test(
        .enabled(
            if: !DatabaseProbe.isRoot || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func aReadOnlyDatabaseFileStopsAtStartWithWhatToDoAndNothingIsLost() async throws {
        try await Sandbox.with { sandbox in
            let state = Self.stateDirectory(sandbox)
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
            let log = try Self.recordingHook(sandbox, log: state.appendingPathComponent("hooks.log").path)
            if P.isRoot { try await P.must("chown 65534:65534 '\(state.path)'", in: sandbox.directory) }
            #expect(try await Self.ftdAsUser(sandbox, ["run", "--once"]).status == 0)  // the baseline
            #expect(chmod(sandbox.databasePath, 0o444) == 0)
            await sandbox.simulator.advanceClock(by: 25)  // validating_files → queued

            for arguments in [["run", "--once"], ["run"]] {
                let result = try await Self.ftdAsUser(sandbox, arguments)
                #expect(result.status == 73, "\(arguments): \(result.stderr)")
                let line = try #require(result.stderr.split(separator: "\n").last.map(String.init))
                #expect(line.hasPrefix("ftd: the database \(sandbox.databasePath) is read-only"), "\(line)")
                #expect(line.contains("writable for the user ftd runs as"), "\(line)")
            }
            #expect(HookTests.lines(log).isEmpty)

            #expect(chmod(sandbox.databasePath, 0o600) == 0)
            let fixed = try await Self.ftdAsUser(sandbox, ["run", "--once"])
            #expect(fixed.status == 0, "\(fixed.stderr)")
            #expect(HookTests.lines(log) == ["queued"])
            #expect(try await Self.transitions(sandbox) == ["->validating_files", "validating_files>queued"])
        }
    }

    @Test(.enabled(if: DatabaseProbe.isRoot && DatabaseProbe.hasSQLite3))
    func aDatabaseOnAReadOnlyMountStopsAtStart() async throws {
        try await Sandbox.with { sandbox in
            let log = try Self.recordingHook(sandbox)
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)  // the baseline
            await sandbox.simulator.advanceClock(by: 25)
            let file = URL(fileURLWithPath: sandbox.databasePath)
            try await P.withMount("--bind '\(file.path)'", at: file, in: sandbox.directory) {
                try await P.must("mount -o remount,bind,ro '\(file.path)'", in: sandbox.directory)
                let result = try await sandbox.ftd(["run", "--once"])
                #expect(result.status == 73, "\(result.stderr)")
                let line = try #require(result.stderr.split(separator: "\n").last.map(String.init))
                #expect(line.hasPrefix("ftd: the database \(file.path) is read-only"), "\(line)")
            }
            #expect(HookTests.lines(log).isEmpty)
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            #expect(HookTests.lines(log) == ["queued"])
        }
    }

    /// An ext4 file system that meets an error remounts itself read-only under the running
    /// daemon (errors=remount-ro; the kernel's trigger_fs_error stands in for a failing disk).
    @Test(.enabled(if: StorageFaultTests.canMountExt4 && DatabaseProbe.hasSQLite3))
    func aFileSystemTurningReadOnlyUnderTheDaemonIsWaitedOutAndNothingRecordedIsLost() async throws {
        try await Sandbox.with { sandbox in
            let log = try Self.recordingHook(sandbox)
            let state = Self.stateDirectory(sandbox)
            let image = sandbox.directory.appendingPathComponent("disk.img").path
            try await P.must(
                "truncate -s 32M '\(image)' && /sbin/mkfs.ext4 -q -F '\(image)'", in: sandbox.directory)
            try await P.withMount("-o loop,errors=remount-ro '\(image)'", at: state, in: sandbox.directory) {
                #expect(try await sandbox.ftd(["run", "--once"]).status == 0)  // the baseline
                let daemon = try sandbox.start(["run"])
                try await eventually("the daemon's first cycle") { daemon.stderr.contains("ready") }

                let source = try await P.shell("findmnt -n -o SOURCE '\(state.path)'", in: sandbox.directory)
                let device = (source.stdout.trimmingCharacters(in: .whitespacesAndNewlines) as NSString)
                    .lastPathComponent
                try await P.must("echo 1 > /sys/fs/ext4/\(device)/trigger_fs_error", in: sandbox.directory)
                await sandbox.simulator.advanceClock(by: 25)  // validating_files → queued
                try await eventually("two failed cycles") {
                    P.count("retrying next cycle", in: daemon.stderr) >= 2
                }
                #expect(!daemon.hasExited)
                #expect(HookTests.lines(log).isEmpty)

                daemon.signal(SIGTERM)
                let result = try await daemon.wait(timeout: .seconds(30))
                #expect(result.status == 0, "\(result.stderr)")
                Self.expectOnlyFaultLines(result.stderr, "is read-only")
            }
            // The administrator's part: check the file system and mount it again.
            _ = try await P.shell("/sbin/e2fsck -fy '\(image)'", in: sandbox.directory)
            try await P.withMount("-o loop '\(image)'", at: state, in: sandbox.directory) {
                #expect(try await P.integrityCheck(sandbox.databasePath) == ["ok"])
                let once = try await sandbox.ftd(["run", "--once"])
                #expect(once.status == 0, "\(once.stderr)")
                #expect(HookTests.lines(log) == ["queued"])
                #expect(
                    try await Self.transitions(sandbox) == ["->validating_files", "validating_files>queued"])
            }
        }
    }
}
