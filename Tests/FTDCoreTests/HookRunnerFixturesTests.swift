import Foundation
import Testing

@testable import FTDConfig
@testable import FTDEngine

#if canImport(Glibc)
    import Glibc
#endif

/// Shared by the hook tests: temp directories, scripts and liveness checks.
enum HookTestKit {
    static let path = "/usr/local/bin:/usr/bin:/bin"

    static func makeTempDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ftd-hook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @discardableResult
    static func writeScript(_ text: String, to url: URL, executable: Bool = true) throws -> URL {
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes(
            [.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: url.path)
        return url
    }

    static func runner(base: [String: String] = ["PATH": path]) -> HookRunner {
        HookRunner(apiKeyVariable: "OPENAI_API_KEY", baseEnvironment: base, logger: .quiet)
    }

    /// Alive means present and not a zombie (a reparented zombie may linger unreaped in a
    /// container whose init does not reap).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }

    static func waitUntil(seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    static func readPID(_ url: URL) -> Int32? {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func hook(_ command: HookSettings.Command, timeout: Double = 20) -> HookSettings {
        HookSettings(name: "test", on: ["*"], command: command, timeout: timeout)
    }
}
