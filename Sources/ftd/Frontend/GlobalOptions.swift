import ArgumentParser
import FTDConfig
import Foundation
import Logging

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Configuration file (else $FTD_CONFIG, else /etc/ftd/ftd.toml, else the defaults).",
            valueName: "path"))
    var config: String?

    @Flag(name: .shortAndLong, help: "Log debug detail on stderr (or set FTD_LOG_LEVEL).")
    var verbose = false

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// - Parameter environment: the process's own unless given (the daemon keeps the one
    ///   it started with).
    func loadConfiguration(environment: [String: String]? = nil) throws -> Configuration {
        try ConfigurationLoader(environment: environment ?? self.environment).load(explicitPath: config)
    }

    func bootstrapLogging(quietLevel: Logger.Level = .info) {
        LogSetup.bootstrap(verbose: verbose, environment: environment, quietLevel: quietLevel)
    }
}
