import Foundation

/// Runs the built `ftd` binary the way a user would, in a temp directory, with output
/// captured in files (no pipe can fill up and stall the child).
struct FTDProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `$FTD_BINARY`, else `ftd` beside the test bundle in the build folder.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["FTD_BINARY"] {
            return URL(fileURLWithPath: path)
        }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = exe.deletingLastPathComponent()
        // The bundle may be a directory (…/ftdPackageTests.xctest/…) on some layouts.
        while !directory.path.isEmpty, directory.path != "/" {
            let candidate = directory.appendingPathComponent("ftd")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return exe.deletingLastPathComponent().appendingPathComponent("ftd")
    }

    let process = Process()
    let stdoutURL: URL
    let stderrURL: URL

    /// Starts `ftd ARGS` in `directory` with `environment` added to a minimal one.
    /// - Parameter stderrURL: an existing file to append stderr to, instead of a new one.
    /// - Parameter executable: what to run instead of `ftd` (a wrapper such as setpriv).
    init(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], stderrURL: URL? = nil,
        executable: URL? = nil
    ) throws {
        stdoutURL = directory.appendingPathComponent("stdout-\(UUID().uuidString).txt")
        self.stderrURL = stderrURL ?? directory.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        if stderrURL == nil { _ = FileManager.default.createFile(atPath: self.stderrURL.path, contents: nil) }
        process.executableURL = executable ?? Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "LANG": "C.UTF-8",
        ]
        env.merge(environment) { $1 }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        let errorHandle = try FileHandle(forWritingTo: self.stderrURL)
        errorHandle.seekToEndOfFile()
        process.standardError = errorHandle
        try process.run()
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Whether the process has ended (`ChildExit`), not `Process.isRunning`, which can lag
    /// for as long as another child lives.
    var hasExited: Bool { !process.isRunning || ChildExit.status(of: process.processIdentifier) != nil }

    /// Waits for the exit without blocking a thread; kills the process past the deadline.
    func wait(timeout: Duration = .seconds(60)) async throws -> Result {
        let deadline = ContinuousClock.now + timeout
        while true {
            // Foundation's answer first: once it reaped the child, the pid may belong to
            // another process, and only while it has not can `waitid` ask about this one.
            if !process.isRunning {
                return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
            }
            if let status = ChildExit.status(of: process.processIdentifier) {
                return Result(status: status, stdout: stdout, stderr: stderr)
            }
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                throw TimedOut(description: "ftd did not exit within \(timeout): \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Runs `ftd ARGS` to completion.
    static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:],
        timeout: Duration = .seconds(60), executable: URL? = nil
    ) async throws -> Result {
        try await FTDProcess(arguments, in: directory, environment: environment, executable: executable)
            .wait(timeout: timeout)
    }
}

/// A child's exit, asked of the kernel without reaping it.
///
/// Foundation's `Process` learns of an exit when a socket the child inherited closes, and
/// its emulation of close-on-exec closes only the descriptors open when the spawn began:
/// a socket another test opens in that instant leaks into the new child, and the first
/// child's exit then goes unseen (`isRunning` stays true) until the second one ends, which
/// for a daemon can be minutes. `waitid` with `WNOWAIT` reads the exit at once and leaves
/// the zombie for Foundation to reap.
enum ChildExit {
    /// The exit status (or the signal that ended it, as `Process.terminationStatus` gives
    /// it); nil while the child runs.
    static func status(of pid: Int32) -> Int32? {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
            return nil  // ECHILD: Foundation reaped it already, and knows its status
        }
        guard info._sifields._sigchld.si_pid == pid else { return nil }
        return info._sifields._sigchld.si_status
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Polls `condition` until it holds or the deadline passes.
func eventually(
    timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        if ContinuousClock.now > deadline { throw TimedOut(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// A fresh temp directory, removed by the caller with `removeTemporaryDirectory`.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ftd-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
