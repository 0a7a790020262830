import FTDDaemon
import FTDTerminal
import Logging

enum LogSetup {
    /// Logs go to stderr (through `StderrLines`), one line per record: with `<N>` priorities and no timestamps
    /// when stderr is the journal, readable lines otherwise. `FTD_LOG_LEVEL` (trace …
    /// critical) wins over `--verbose`; the default is info, or `quietLevel` for a
    /// command whose own output already says what happened (the workflow commands).
    static func bootstrap(verbose: Bool, environment: [String: String], quietLevel: Logger.Level = .info) {
        let level =
            environment["FTD_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
            ?? (verbose ? .debug : quietLevel)
        let style: LineLogHandler.Style =
            LineLogHandler.stderrIsJournal(environment: environment) ? .journal : .readable
        LoggingSystem.bootstrap { label in
            LineLogHandler(label: label, level: level, style: style, write: StderrLines.write)
        }
    }
}
