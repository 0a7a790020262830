import FTDModel
import FTDStore
import Foundation

/// What `ftd status` shows: whether a daemon holds the database (from its lock) and what
/// the database says of the last cycles. Pure: rendering takes the time as input.
public struct DaemonStatusReport: Sendable, Equatable {
    public var database: String
    public var lock: DaemonLockState
    /// Nil when the database does not exist yet, or cannot be read.
    public var stored: StoredDaemonStatus?
    /// Why an existing database could not be read.
    public var databaseProblem: String?
    /// The newest alerts (SPEC section 10), newest first.
    public var alerts: [JobAlert] = []
    /// How many alerts `ftd status` shows.
    public static let alertCount = 5

    public init(
        database: String, lock: DaemonLockState, stored: StoredDaemonStatus?, databaseProblem: String? = nil
    ) {
        self.database = database
        self.lock = lock
        self.stored = stored
        self.databaseProblem = databaseProblem
    }

    public var isRunning: Bool {
        if case .running = lock { return true }
        return false
    }

    public func json() -> JSONValue {
        var running: JSONValue = .bool(isRunning)
        var pid: JSONValue = .null
        switch lock {
        case .running(let holder): if holder > 0 { pid = .int(Int64(holder)) }
        case .stopped: break
        case .unknown: running = .null
        }
        return .object([
            "running": running,
            "pid": pid,
            "database": .string(database),
            "database_exists": .bool(stored != nil || databaseProblem != nil),
            "database_error": .optional(databaseProblem),
            "last_cycle": stored?.lastCycle.map(Self.cycle) ?? .null,
            "last_error": stored?.lastError.map(Self.error) ?? .null,
            "active_jobs": .int(Int64(stored?.activeJobs ?? 0)),
            "jobs": .int(Int64(stored?.jobs ?? 0)),
            "pending_deliveries": .int(Int64(stored?.pendingDeliveries ?? 0)),
            "accounts": .array((stored?.accounts ?? []).map(Self.account)),
            "alerts": .array(alerts.map(HistoryJSON.alert)),
        ])
    }

    /// One account's line of SPEC section 8: its last cycle and its last error.
    static func account(_ account: AccountStatus) -> JSONValue {
        .object([
            "name": .string(account.name),
            "last_cycle": account.lastCycle.map(cycle) ?? .null,
            "last_error": account.lastError.map(error) ?? .null,
            "last_complete_cycle_at": .optional(account.lastCompleteCycleAt),
            "baseline_completed_at": .optional(account.baselineCompletedAt),
            "active_jobs": .int(Int64(account.activeJobs)),
            "jobs": .int(Int64(account.jobs)),
        ])
    }

    static func cycle(_ outcome: CycleOutcome) -> JSONValue {
        .object([
            "finished_at": .int(outcome.finishedAt),
            "result": .string(outcome.result.rawValue),
            "requests": .int(Int64(outcome.requests)),
            "transitions": .int(Int64(outcome.transitions)),
            "failed_requests": .int(Int64(outcome.failedRequests)),
            "error": .optional(outcome.error),
            "next_cycle_at": .optional(outcome.nextCycleAt),
        ])
    }

    static func error(_ outcome: CycleOutcome) -> JSONValue {
        .object([
            "at": .int(outcome.finishedAt),
            "message": .optional(outcome.error ?? outcome.result.rawValue),
        ])
    }

    /// For a terminal: one fact per line.
    public func text(now: Int64, timeZone: TimeZone = .current) -> String {
        var lines: [String] = []
        switch lock {
        case .running(let pid):
            lines.append("ftd is running\(pid > 0 ? " (pid \(pid))" : "") on \(database)")
        case .stopped:
            lines.append("ftd is not running on \(database)")
        case .unknown(let reason):
            lines.append("ftd: cannot tell whether a daemon runs on \(database) (lock file: \(reason))")
        }
        if let databaseProblem {
            lines.append("database: \(databaseProblem)")
            return lines.joined(separator: "\n") + "\n"
        }
        guard let stored else {
            lines.append("no database yet: `ftd run` creates it on its first cycle")
            return lines.joined(separator: "\n") + "\n"
        }
        func when(_ time: Int64) -> String {
            "\(StatusLine.clock(time, timeZone)) (\(TerminalText.relative(time, now: now)))"
        }
        if let cycle = stored.lastCycle {
            var summary =
                "\(cycle.result.rawValue), \(cycle.requests) requests, \(cycle.transitions) transitions"
            if cycle.failedRequests > 0 { summary += ", \(cycle.failedRequests) failed" }
            lines.append("last cycle:         \(when(cycle.finishedAt)): \(summary)")
            if let next = cycle.nextCycleAt, isRunning {
                lines.append("next cycle:         \(StatusLine.clock(next, timeZone))")
            }
        } else {
            lines.append("last cycle:         none yet")
        }
        if let error = stored.lastError {
            lines.append(
                "last error:         \(when(error.finishedAt)): "
                    + TerminalSanitizer.clean(error.error ?? error.result.rawValue))
        } else {
            lines.append("last error:         none")
        }
        lines.append("active jobs:        \(stored.activeJobs) (of \(stored.jobs) recorded)")
        lines.append("pending deliveries: \(stored.pendingDeliveries)")
        if stored.accounts.count > 1 || stored.accounts.contains(where: { $0.name != DefaultAccount.name }) {
            lines.append("accounts:")
            let width = stored.accounts.map(\.name.count).max() ?? 0
            for account in stored.accounts {
                let name = TerminalSanitizer.clean(account.name).padding(
                    toLength: width, withPad: " ", startingAt: 0)
                var line = "  \(name)  "
                if let cycle = account.lastCycle {
                    line += "last cycle \(when(cycle.finishedAt)) \(cycle.result.rawValue)"
                } else {
                    line += "no cycle yet"
                }
                line += ", \(account.activeJobs) active of \(account.jobs)"
                if let error = account.lastError, error.finishedAt >= (account.lastCycle?.finishedAt ?? 0) {
                    line += "; error: " + StatusLine.firstLine(error.error ?? error.result.rawValue)
                }
                lines.append(line)
            }
        }
        if !alerts.isEmpty {
            lines.append("recent alerts:")
            for alert in alerts {
                let job =
                    alert.account == DefaultAccount.name ? alert.jobID : "\(alert.account)/\(alert.jobID)"
                lines.append(
                    "  \(when(alert.observedAt))  \(TerminalSanitizer.clean(job))  \(alert.kind.rawValue): "
                        + TerminalSanitizer.clean(alert.detail))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
