import FTDSimulator
import Foundation
import Testing

/// `ftd watch` on a real terminal (tmux, as a person would run it): log lines about failed
/// requests between two redraws go above the live block, and the block stays whole.
@Suite(.timeLimit(.minutes(2))) struct WatchTerminalTests {
    static let tmux = URL(fileURLWithPath: "/usr/bin/tmux")

    /// tmux through python's subprocess, which closes the fds the test process leaves
    /// open (Foundation's `Process` learns of an exit from a socket its child inherits,
    /// and tmux's server, which lives on, would hold it and hang the wait) and unblocks
    /// the signals the test process blocks (else neither tmux nor ftd could be stopped).
    static func tmux(_ socket: String, _ arguments: [String], in directory: URL) async throws -> String {
        let result = try await FTDProcess.run(
            [
                "-c",
                "import signal, subprocess, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); sys.exit(subprocess.run(sys.argv[1:]).returncode)",
                tmux.path,
                "-L", socket,
            ]
                + arguments, in: directory, timeout: .seconds(10),
            executable: URL(fileURLWithPath: "/usr/bin/python3"))
        return result.stdout
    }

    /// Ctrl-C, as a person stops watching; then the server goes.
    static func stop(_ socket: String, in directory: URL) async {
        _ = try? await tmux(socket, ["send-keys", "-t", "watch", "C-c"], in: directory)
        _ = try? await tmux(socket, ["kill-server"], in: directory)
    }

    @Test func logLinesBetweenRedrawsGoAboveTheBlock() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.tmux.path),
            "tmux is missing: scripts/install-deps installs it")
        try await Sandbox.with { sandbox in
            let id = try await WorkflowTests.runningElle(sandbox)
            // Each look's events request fails, is retried and logged, three times over.
            await sandbox.simulator.addFault(FaultRule(kind: .status(500), pathContains: "/events", count: 6))
            let socket = "ftd-e2e-\(UUID().uuidString.prefix(8))"
            let command =
                "OPENAI_API_KEY=\(Sandbox.apiKey) exec '\(FTDProcess.binary.path)' watch \(id) --interval 1"
                + " --config '\(sandbox.configPath)'"
            _ = try await Self.tmux(
                socket, ["new-session", "-d", "-s", "watch", "-x", "160", "-y", "60", command],
                in: sandbox.directory)
            do {
                // The faults spent, then three good looks, each a redraw.
                try await eventually(timeout: .seconds(60), "three looks after the faults") {
                    await sandbox.simulator.requestLog().filter { $0.contains("/events") }.count >= 6 + 3
                }
                let screen = try await Self.tmux(
                    socket, ["capture-pane", "-p", "-t", "watch"], in: sandbox.directory
                )
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let warnings = screen.indices.filter { screen[$0].contains("warning request failed") }
                let headers = screen.indices.filter { screen[$0].hasPrefix(id + "  ") }
                #expect(warnings.count >= 2, "\(screen.joined(separator: "\n"))")
                #expect(headers.count == 1, "one live block: \(screen.joined(separator: "\n"))")
                #expect(
                    warnings.allSatisfy { $0 < (headers.first ?? 0) }, "\(screen.joined(separator: "\n"))")
                // Each log line whole: it starts with its date, nothing drawn over it.
                #expect(
                    warnings.allSatisfy { screen[$0].hasPrefix("20") }, "\(screen.joined(separator: "\n"))")
            } catch {
                await Self.stop(socket, in: sandbox.directory)
                throw error
            }
            await Self.stop(socket, in: sandbox.directory)
        }
    }
}
