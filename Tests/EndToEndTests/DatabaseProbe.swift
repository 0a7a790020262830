import Foundation
import Testing

/// Looks at and tampers with a database from outside ftd, as an administrator would: the
/// `sqlite3` shell, `mount`, `dd`. Shared by the storage-fault and crash tests.
enum DatabaseProbe {
    static let sqlite3 = "/usr/bin/sqlite3"
    static var isRoot: Bool { getuid() == 0 }
    static var hasSQLite3: Bool { FileManager.default.isExecutableFile(atPath: sqlite3) }

    /// `sh -c COMMAND` in `directory`.
    @discardableResult
    static func shell(_ command: String, in directory: URL, timeout: Duration = .seconds(60)) async throws
        -> FTDProcess.Result
    {
        try await FTDProcess.run(
            ["-c", command], in: directory, timeout: timeout, executable: URL(fileURLWithPath: "/bin/sh"))
    }

    /// `shell`, failing the test's step when the command fails.
    static func must(_ command: String, in directory: URL) async throws {
        let result = try await shell(command, in: directory)
        guard result.status == 0 else {
            throw TimedOut(description: "`\(command)` failed (\(result.status)): \(result.stderr)")
        }
    }

    /// The rows `sql` returns from a read-only connection, one line each, columns joined
    /// by `|`. Read-only: it never checkpoints or removes the `-wal` of the file, so ftd's
    /// next start finds it exactly as the previous process left it.
    /// Its output goes to the directory above the database's (the database's own may be
    /// full or read-only).
    static func query(_ database: String, _ sql: String) async throws -> [String] {
        let directory = URL(fileURLWithPath: database).deletingLastPathComponent().deletingLastPathComponent()
        let result = try await FTDProcess.run(
            ["-readonly", "-batch", database, sql], in: directory,
            executable: URL(fileURLWithPath: sqlite3))
        guard result.status == 0 else {
            throw TimedOut(description: "sqlite3 failed (\(result.status)) on \(sql): \(result.stderr)")
        }
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.isEmpty }
    }

    /// A scene whose first job was recorded by `ftd run --once`, then changed by `sql` as
    /// an API (or an administrator) could have left it; `body` gets the job's id. Records an
    /// issue instead when the `sqlite3` shell is missing.
    static func withTamperedJob(
        _ sql: String, _ body: (Sandbox, _ id: String) async throws -> Void
    ) async throws {
        guard hasSQLite3 else {
            Issue.record("sqlite3 is missing: scripts/install-deps installs it")
            return
        }
        try await Sandbox.with { sandbox in
            #expect(try await sandbox.ftd(["run", "--once"]).status == 0)
            let id = try #require(try await sandbox.jobs().first?["id"] as? String)
            try await must("\(sqlite3) '\(sandbox.databasePath)' \"\(sql)\"", in: sandbox.directory)
            try await body(sandbox, id)
        }
    }

    static func integrityCheck(_ database: String) async throws -> [String] {
        try await query(database, "PRAGMA integrity_check")
    }

    /// Lines of `stderr` the daemon logged at level error (its non-journal format).
    static func errorLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter {
            $0.contains(#/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (error|critical) /#)
        }
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.split(separator: "\n").filter { $0.contains(needle) }.count
    }

    /// Runs `body` with something mounted at `target` (a directory, created when missing,
    /// or a file), and unmounts it however `body` ends.
    static func withMount(
        _ mountArguments: String, at target: URL, in sandbox: URL, _ body: () async throws -> Void
    ) async throws {
        if !FileManager.default.fileExists(atPath: target.path) {
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        }
        try await must("mount \(mountArguments) '\(target.path)'", in: sandbox)
        do {
            try await body()
        } catch {
            _ = try? await shell("umount -l '\(target.path)'", in: sandbox)
            throw error
        }
        try await must("umount '\(target.path)' || umount -l '\(target.path)'", in: sandbox)
    }
}

/// An `sqlite3` shell kept open on a database, holding whatever transaction it was told to
/// begin until `close()`: the "other process" of the lock tests.
final class SQLiteShell {
    private let process = Process()
    private let input = Pipe()
    private let directory: URL

    init(_ database: String, in directory: URL) throws {
        self.directory = directory
        process.executableURL = URL(fileURLWithPath: DatabaseProbe.sqlite3)
        process.arguments = ["-batch", database]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Runs `sql` in the shell and returns once it has run (the shell touches a marker
    /// file after it: its stdout is buffered, a file is not).
    func run(_ sql: String) async throws {
        let marker = directory.appendingPathComponent("sqlite3-\(UUID().uuidString)").path
        input.fileHandleForWriting.write(Data("\(sql)\n.shell touch '\(marker)'\n".utf8))
        try await eventually(timeout: .seconds(20), "sqlite3 to run \(sql)") {
            FileManager.default.fileExists(atPath: marker)
        }
    }

    /// Ends the shell; its open transaction rolls back and its locks go. `.quit` first: a
    /// child spawned elsewhere in the same instant can hold a copy of the pipe (see
    /// `ChildExit`), and the shell would then never read the end of its input.
    func close() async throws {
        // `try?`: a shell that died already has no reader, and the write fails (EPIPE).
        try? input.fileHandleForWriting.write(contentsOf: Data(".quit\n".utf8))
        try? input.fileHandleForWriting.close()
        let pid = process.processIdentifier
        try await eventually(timeout: .seconds(20), "sqlite3 to exit") {
            !process.isRunning || ChildExit.status(of: pid) != nil
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
