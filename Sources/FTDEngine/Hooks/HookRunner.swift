import FTDConfig
import FTDStore
import Foundation
import Logging
import Subprocess
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs one attempt of a hook as SPEC section 5 describes: its own session and process
/// group, stdin fed from the delivery's JSON then closed, the daemon's environment
/// (minus its private variables) plus the delivery's, output kept up to 64 KiB per
/// stream, and a timeout that takes down the whole group.
public struct HookRunner: Sendable {
    /// Bytes kept of stdout and of stderr each.
    public static let outputLimit = 64 * 1024
    /// Between SIGTERM and SIGKILL once the timeout fired.
    public static let killGrace: Duration = .seconds(5)

    private let keyVariables: @Sendable () -> Set<String>
    private let baseEnvironment: [String: String]?
    private let logger: Logger

    /// - Parameters:
    ///   - apiKeyVariable: the variable holding the API key; hooks never see it.
    ///   - baseEnvironment: the environment hooks inherit; nil means the daemon's own.
    public init(apiKeyVariable: String, baseEnvironment: [String: String]? = nil, logger: Logger) {
        self.init(keyVariables: { [apiKeyVariable] }, baseEnvironment: baseEnvironment, logger: logger)
    }

    /// - Parameter keyVariables: every variable that holds (or held, before a reload) the
    ///   API key, read at each run; hooks never see any of them.
    public init(
        keyVariables: @escaping @Sendable () -> Set<String>, baseEnvironment: [String: String]? = nil,
        logger: Logger
    ) {
        self.keyVariables = keyVariables
        self.baseEnvironment = baseEnvironment
        self.logger = logger
        Self.ignoreBrokenPipes
    }

    /// A hook that exits without reading its stdin makes our write fail; with SIGPIPE at
    /// its default that would kill the daemon. Children start with default dispositions
    /// (swift-subprocess resets them at spawn), so hooks are unaffected.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    public func run(_ hook: HookSettings, environment: [String: String], stdin: Data) async
        -> HookRunResult
    {
        let startedAt = Int64(Date().timeIntervalSince1970)
        let clock = ContinuousClock()
        let start = clock.now
        let capture = HookOutputCapture(limit: Self.outputLimit)

        func result(exitCode: Int32?, extraStderr: String = "") -> HookRunResult {
            let elapsed = clock.now - start
            let ms =
                elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            var stderr = capture.stderr
            if !extraStderr.isEmpty { stderr += extraStderr }
            return HookRunResult(
                exitCode: capture.timedOut ? nil : exitCode, timedOut: capture.timedOut,
                startedAt: startedAt, durationMs: Int(ms), stdout: capture.stdout, stderr: stderr)
        }

        guard let configuration = makeConfiguration(hook.command, environment: environment) else {
            return result(exitCode: nil, extraStderr: "ftd: hook \"\(hook.name)\" has an empty command\n")
        }
        let input = Array(stdin)
        do {
            let status = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await Self.enforce(timeout: hook.timeout, on: capture) }
                defer { group.cancelAll() }
                let outcome = try await Subprocess.run(
                    configuration, input: .inputWriter, output: .sequence, error: .sequence
                ) { execution in
                    let group = execution.processIdentifier.value
                    if capture.started(processGroup: group) { _ = kill(-group, SIGKILL) }
                    await Self.pump(input, execution: execution, into: capture)
                }
                return outcome.terminationStatus
            }
            killLeftovers(of: hook, capture: capture)
            if capture.discardedBytes > 0 {
                logger.debug(
                    "hook output truncated",
                    metadata: ["hook": "\(hook.name)", "discarded_bytes": "\(capture.discardedBytes)"])
            }
            switch status {
            case .exited(let code): return result(exitCode: code)
            case .signaled: return result(exitCode: nil)
            }
        } catch {
            killLeftovers(of: hook, capture: capture)
            logger.warning(
                "hook could not run", metadata: ["hook": "\(hook.name)", "error": "\(error)"])
            return result(exitCode: nil, extraStderr: "ftd: could not run hook \"\(hook.name)\": \(error)\n")
        }
    }

    /// The main process has been reaped, but a child it put in the background may still
    /// hold the group (and our pipes). SPEC promises a hook never outlives its run, and a
    /// retry must not race a leftover of the previous attempt, so whatever is left of the
    /// group is killed. The group id cannot have been reused meanwhile: Linux keeps a pid
    /// number reserved while it names a live process group, and if the group is empty
    /// the kill finds nothing (ESRCH).
    private func killLeftovers(of hook: HookSettings, capture: HookOutputCapture) {
        guard let group = capture.processGroup, group > 0 else { return }
        if kill(-group, SIGKILL) == 0 {
            logger.info(
                "killed processes the hook left behind", metadata: ["hook": "\(hook.name)"])
        }
    }

    private func makeConfiguration(_ command: HookSettings.Command, environment: [String: String])
        -> Subprocess.Configuration?
    {
        let executable: Executable
        let arguments: [String]
        switch command {
        case .argv(let argv):
            guard let first = argv.first, !first.isEmpty else { return nil }
            executable = first.contains("/") ? .path(FilePath(first)) : .name(first)
            arguments = Array(argv.dropFirst())
        case .shell(let script):
            executable = .path(FilePath("/bin/sh"))
            arguments = ["-c", script]
        }
        let merged = HookEnvironment.merged(
            base: baseEnvironment ?? ProcessInfo.processInfo.environment, adding: environment,
            keyVariables: keyVariables())
        var keyed: [Environment.Key: String] = [:]
        for (key, value) in merged {
            if let key = Environment.Key(rawValue: key) { keyed[key] = value }
        }
        var options = PlatformOptions()
        options.createSession = true
        // Used when the caller's task is cancelled (daemon shutdown): the same
        // SIGTERM-then-SIGKILL to the whole group as the timeout.
        options.teardownSequence = [
            .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: Self.killGrace)
        ]
        return Subprocess.Configuration(
            executable: executable, arguments: Arguments(arguments), environment: .custom(keyed),
            platformOptions: options)
    }

    /// Feeds stdin and drains both output streams concurrently. The streams end at EOF,
    /// or when swift-subprocess sees the main process exit (it then cancels the reads,
    /// draining what is buffered), so a grandchild holding a pipe cannot stall us.
    private static func pump(
        _ input: [UInt8], execution: Execution<CustomWriteInput, SequenceOutput, SequenceOutput>,
        into capture: HookOutputCapture
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                let writer = execution.standardInputWriter
                // A hook that ignores stdin may exit first: EPIPE is not an error here.
                _ = try? await writer.write(input)
                try? await writer.finish()
            }
            group.addTask {
                do {
                    for try await buffer in execution.standardOutput {
                        buffer.withUnsafeBytes { capture.append($0, to: .stdout) }
                    }
                } catch {}
            }
            group.addTask {
                do {
                    for try await buffer in execution.standardError {
                        buffer.withUnsafeBytes { capture.append($0, to: .stderr) }
                    }
                } catch {}
            }
        }
    }

    /// SIGTERM to the group at the timeout, SIGKILL to the group `killGrace` later.
    /// Cancelled (and so silent) once the run has returned.
    private static func enforce(timeout seconds: Double, on capture: HookOutputCapture) async {
        do { try await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000))) } catch { return }
        guard let group = capture.markTimedOut() else { return }
        _ = kill(-group, SIGTERM)
        do { try await Task.sleep(for: killGrace) } catch { return }
        _ = kill(-group, SIGKILL)
    }
}
