import Logging

enum LogSetup {
    /// Logs go to stderr (the journal, under systemd). `FTD_LOG_LEVEL` (trace … critical)
    /// wins over `--verbose`; the default is info.
    static func bootstrap(verbose: Bool, environment: [String: String]) {
        let level =
            environment["FTD_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
            ?? (verbose ? .debug : .info)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
