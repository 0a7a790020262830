import Foundation
import Testing

/// The harness's own promise: an exit is seen at once, with its status, even while another
/// child holds a copy of the descriptor Foundation watches (`ChildExit`).
@Suite struct FTDProcessTests {
    static let shell = URL(fileURLWithPath: "/bin/sh")

    @Test(arguments: [("exit 0", Int32(0)), ("exit 73", 73), ("kill -9 $$", SIGKILL)])
    func theExitStatusOrTheSignalIsReported(_ command: String, _ status: Int32) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FTDProcess.run(["-c", command], in: directory, executable: Self.shell)
        #expect(result.status == status)
    }

    /// A grandchild that outlives its parent keeps the parent's copy of Foundation's socket,
    /// as a child spawned elsewhere at the wrong instant would: `Process.isRunning` then
    /// stays true, and the exit must be seen all the same.
    @Test func anExitIsSeenWhileAnotherProcessHoldsTheWatchedDescriptor() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pidFile = directory.appendingPathComponent("grandchild").path
        let parent = try FTDProcess(
            ["-c", "sleep 30 & echo $! > '\(pidFile)'; exit 5"], in: directory, executable: Self.shell)
        defer {
            if let pid = try? String(contentsOfFile: pidFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), let id = Int32(pid)
            {
                kill(id, SIGKILL)
            }
        }
        let result = try await parent.wait(timeout: .seconds(10))
        #expect(result.status == 5)
        #expect(parent.hasExited)
    }
}
