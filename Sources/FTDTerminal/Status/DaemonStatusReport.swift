import FTDModel
import FTDStore
import Foundation

/// What `ftd status` shows: whether a daemon holds the database (from its lock) and what
/// the database says of the last cycles. Pure: rendering takes the time as input.
///
/// On a shared PostgreSQL store (SPEC section 11) there is no lock: the store's lease says
/// which daemon leads (`members`), and its list which others stand by; `database` is the
/// store's URL without password.
public struct DaemonStatusReport: Sendable, Equatable {
    public var database: String
    public var lock: DaemonLockState
    /// The shared store's lease and live daemons; nil for the SQLite file, or when the
    /// shared store could not be read.
    public var members: StoreMembers?
    /// Whether `database` names the shared PostgreSQL store rather than a file.
    public var isShared = false
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

    /// A shared store's report: who leads and who stands by, from the store.
    public static func shared(
        store: String, members: StoreMembers?, stored: StoredDaemonStatus?, problem: String? = nil
    ) -> DaemonStatusReport {
        let leader = members?.leader
        var report = DaemonStatusReport(
            database: store, lock: leader.map { .running(pid: Int32(clamping: $0.pid)) } ?? .stopped,
            stored: stored, databaseProblem: problem)
        report.members = members
        report.isShared = true
        return report
    }

    public var isRunning: Bool {
        if isShared { return members?.leader != nil }
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
        var object: JSONObject = [
            "running": running,
            "pid": pid,
            "store": .string(isShared ? "postgres" : "sqlite"),
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
        ]
        if isShared {
            // The leader may run on another machine: its host says which.
            if members == nil, databaseProblem != nil { object["running"] = .null }
            object["leader"] = members?.leader.map(Self.leader) ?? .null
            object["standbys"] = .array((members?.standbys ?? []).map(Self.standby))
        }
        return .object(object)
    }

    /// Seconds measured by the store's clock, rounded, as JSON and the text show them.
    static func seconds(_ value: Double) -> Int64 { Int64(value.rounded()) }

    static func leader(_ holder: LeaseHolder) -> JSONValue {
        .object([
            "host": .string(holder.host),
            "pid": .int(Int64(holder.pid)),
            "term": .int(holder.term),
            "renewed_seconds_ago": .int(seconds(holder.renewedAgo)),
            "expires_in_seconds": .int(seconds(holder.expiresIn)),
        ])
    }

    static func standby(_ member: StoreMember) -> JSONValue {
        .object([
            "host": .string(member.host),
            "pid": .int(Int64(member.pid)),
            "seen_seconds_ago": .int(seconds(member.seenAgo)),
            "started_seconds_ago": .int(seconds(member.startedAgo)),
        ])
    }

    /// The first lines of a shared store's report: its leader (or why none leads), and its
    /// standbys.
    func sharedLines() -> [String] {
        func host(_ host: String, _ pid: Int) -> String { "\(TerminalSanitizer.clean(host)) (pid \(pid))" }
        guard let members else {
            return ["ftd: cannot tell which daemon leads \(database)"]
        }
        var lines: [String] = []
        if let leader = members.leader {
            lines.append(
                "ftd leads \(database) from \(host(leader.host, leader.pid)): term \(leader.term), renewed \(Self.seconds(leader.renewedAgo)) s ago, expires in \(Self.seconds(leader.expiresIn)) s"
            )
        } else if let lease = members.lease {
            lines.append(
                "no ftd leads \(database): the lease of \(TerminalSanitizer.clean(lease.host)) (pid \(lease.pid), term \(lease.term)) expired \(Self.seconds(-lease.expiresIn)) s ago"
            )
        } else {
            lines.append("no ftd leads \(database): no daemon has led it yet")
        }
        let standbys = members.standbys
        if standbys.isEmpty {
            lines.append("standbys:           none")
        }
        for (index, member) in standbys.enumerated() {
            lines.append(
                (index == 0 ? "standbys:           " : String(repeating: " ", count: 20))
                    + "\(host(member.host, member.pid)), seen \(Self.seconds(member.seenAgo)) s ago")
        }
        return lines
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
        if isShared {
            lines += sharedLines()
        } else {
            lines += lockLines()
        }
        if let databaseProblem {
            lines.append("\(isShared ? "store" : "database"): \(databaseProblem)")
            return lines.joined(separator: "\n") + "\n"
        }
        guard let stored else {
            lines.append(
                isShared
                    ? "no store yet: `ftd run` creates its tables when it first starts"
                    : "no database yet: `ftd run` creates it on its first cycle")
            return lines.joined(separator: "\n") + "\n"
        }
        return (lines + storedLines(stored, now: now, timeZone: timeZone)).joined(separator: "\n") + "\n"
    }

    /// The first line of a file's report: whether a daemon holds its lock.
    func lockLines() -> [String] {
        var lines: [String] = []
        switch lock {
        case .running(let pid):
            lines.append("ftd is running\(pid > 0 ? " (pid \(pid))" : "") on \(database)")
        case .stopped:
            lines.append("ftd is not running on \(database)")
        case .unknown(let reason):
            lines.append("ftd: cannot tell whether a daemon runs on \(database) (lock file: \(reason))")
        }
        return lines
    }

    /// What the store says of the cycles, the jobs, the deliveries and the alerts.
    func storedLines(_ stored: StoredDaemonStatus, now: Int64, timeZone: TimeZone) -> [String] {
        var lines: [String] = []
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
        return lines
    }
}
