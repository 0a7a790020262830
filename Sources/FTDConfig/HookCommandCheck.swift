import Foundation

/// Before the daemon starts (and before a reload is accepted): every hook given as an
/// argv names a program that exists and may be run, so a typo is a configuration error
/// (exit 78) at start rather than a failed delivery hours later. A hook given as a
/// string runs through `/bin/sh -c`, whose words only the shell can judge.
public struct HookCommandCheck: Sendable {
    public var environment: [String: String]
    public var isExecutable: @Sendable (String) -> Bool
    public var exists: @Sendable (String) -> Bool

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        isExecutable: @escaping @Sendable (String) -> Bool = {
            FileManager.default.isExecutableFile(atPath: $0)
        },
        exists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) {
        self.environment = environment
        self.isExecutable = isExecutable
        self.exists = exists
    }

    public func check(_ hooks: [HookSettings]) throws(ConfigurationError) {
        for hook in hooks {
            guard case .argv(let argv) = hook.command, let program = argv.first else { continue }
            let key = "hooks.\(hook.name).command"
            if program.contains("/") {
                guard exists(program) else { throw .invalid(key, "\(program): no such file") }
                guard isExecutable(program) else {
                    throw .invalid(key, "\(program) is not executable: chmod +x \(program)")
                }
            } else {
                let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
                let found = path.split(separator: ":").contains { isExecutable("\($0)/\(program)") }
                guard found else {
                    throw .invalid(key, "\(program) is not on PATH (\(path)): give its full path")
                }
            }
        }
    }
}
