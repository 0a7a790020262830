import Foundation
import Testing

@testable import FTDEngine
@testable import FTDStore

@Suite struct HookRunnerTests {
    @Test func environmentIsTheDaemonsMinusPrivateVariablesPlusTheDelivery() async throws {
        let runner = HookTestKit.runner(base: [
            "PATH": HookTestKit.path, "KEEP_ME": "yes", "NOTIFY_SOCKET": "/run/systemd/notify",
            "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1", "OPENAI_API_KEY": "sk-secret",
        ])
        let added = ["FTD_HOOK": "test", "FTD_ERROR_MESSAGE": "multi\nline = ok", "FTD_PREVIOUS_STATUS": ""]
        let result = await runner.run(
            HookTestKit.hook(.argv(["/usr/bin/env", "-0"])), environment: added, stdin: Data())
        #expect(result.outcome == .succeeded)
        var seen: [String: String] = [:]
        for entry in result.stdout.split(separator: "\0") {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            seen[String(parts[0])] = String(parts[1])
        }
        #expect(seen == ["PATH": HookTestKit.path, "KEEP_ME": "yes"].merging(added) { $1 })
    }

    @Test func stdinArrivesExactlyAndIsClosed() async throws {
        let stdin = Data("{\"a\":\"b c\"}\n".utf8)
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.argv(["cat"])), environment: [:], stdin: stdin)
        #expect(result.outcome == .succeeded)
        #expect(result.stdout == "{\"a\":\"b c\"}\n")
    }

    @Test func stdinIsNotATerminal() async {
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.shell("cat >/dev/null; test ! -t 0")), environment: [:], stdin: Data("x".utf8))
        #expect(result.outcome == .succeeded)
    }

    @Test func runsInItsOwnSessionAndProcessGroup() async {
        // Fields 5 and 6 of /proc/PID/stat are the process group and the session.
        let script = #"set -- $(cut -d' ' -f5,6 /proc/$$/stat); [ "$1" = "$$" ] && [ "$2" = "$$" ]"#
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.shell(script)), environment: [:], stdin: Data())
        #expect(result.outcome == .succeeded, "\(result.stderr)")
    }

    @Test(
        arguments: [(0, .succeeded), (1, .failed), (3, .failed), (42, .failed)]
            as [(Int32, HookRunResult.Outcome)])
    func exitCodeGivesOutcome(code: Int32, outcome: HookRunResult.Outcome) async {
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.shell("echo out; echo err >&2; exit \(code)")), environment: [:], stdin: Data())
        #expect(result.exitCode == code)
        #expect(result.outcome == outcome)
        #expect(result.timedOut == false)
        #expect(result.stdout == "out\n")
        #expect(result.stderr == "err\n")
        #expect(result.durationMs >= 0)
        // The run's own start, not 0 or a stale time.
        #expect(abs(result.startedAt - Int64(Date().timeIntervalSince1970)) < 120)
    }

    @Test func argvFormPassesArgumentsVerbatimAndFindsBareNamesOnPath() async {
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.argv(["printf", "%s|", "a b", "$(x)", "'q'"])), environment: [:], stdin: Data())
        #expect(result.outcome == .succeeded)
        #expect(result.stdout == "a b|$(x)|'q'|")
    }

    @Test func hookIgnoringLargeStdinDoesNotHurtTheRunner() async {
        let big = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.shell("exit 0")), environment: [:], stdin: big)
        #expect(result.outcome == .succeeded)
    }

    @Test func outputOverTheLimitIsTruncatedWithoutBlocking() async {
        let script =
            "head -c 1000000 /dev/zero | tr '\\0' a; head -c 300000 /dev/zero | tr '\\0' b >&2; echo done"
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.shell(script), timeout: 30), environment: [:], stdin: Data())
        #expect(result.outcome == .succeeded)
        #expect(result.stdout.utf8.count == HookRunner.outputLimit)
        #expect(result.stderr.utf8.count == HookRunner.outputLimit)
        #expect(result.stdout.allSatisfy { $0 == "a" })
    }

    @Test func missingCommandGivesAClearFailure() async {
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.argv(["ftd-no-such-hook-command"])), environment: [:], stdin: Data())
        #expect(result.outcome == .failed)
        #expect(result.exitCode == nil)
        #expect(result.stderr.contains("ftd-no-such-hook-command"))
    }

    @Test func nonExecutableFileGivesAClearFailure() async throws {
        let dir = try HookTestKit.makeTempDirectory()
        let script = try HookTestKit.writeScript(
            "#!/bin/sh\nexit 0\n", to: dir.appendingPathComponent("hook.sh"), executable: false)
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.argv([script.path])), environment: [:], stdin: Data())
        #expect(result.outcome == .failed)
        #expect(result.exitCode == nil)
        #expect(result.stderr.contains("could not run hook"))
    }

    @Test func emptyArgvGivesAClearFailure() async {
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.argv([])), environment: [:], stdin: Data())
        #expect(result.outcome == .failed)
        #expect(result.stderr.contains("empty command"))
    }
}
