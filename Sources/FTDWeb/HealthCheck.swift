import FTDConfig
import FTDModel
import FTDStore
import Hummingbird

/// `GET /healthz`: 200 `{"ok": true}` while the daemon's last cycle completed recently,
/// else 503 with the reason, for a load balancer or a systemd check.
struct HealthCheck: Sendable {
    let store: any DaemonStatusStore
    let poll: PollSettings
    /// Every configured account: each one's last cycle must be recent.
    let accounts: [String]
    let now: @Sendable () -> Int64

    func response() async -> Response {
        switch await verdict() {
        case .healthy: return .json(.object(["ok": .bool(true)]))
        case .unhealthy(let reason):
            return .json(
                .object(["ok": .bool(false), "reason": .string(reason)]), status: .serviceUnavailable)
        }
    }

    enum Verdict: Equatable {
        case healthy
        case unhealthy(String)
    }

    /// Each account's last cycle must have completed within 3 × its interval:
    /// `poll.interval`, or the longer one it scheduled next (`idle_interval` while no job
    /// is active), so that an idle daemon is not reported down. The reason names every
    /// account that fails, so one bad key among several accounts is found at once.
    func verdict() async -> Verdict {
        let status: StoredDaemonStatus
        do {
            status = try await store.daemonStatus()
        } catch {
            return .unhealthy("the database cannot be read: \(error)")
        }
        let reasons = accounts.compactMap { name -> String? in
            let problem = self.problem(status.account(named: name)?.lastCycle)
            return problem.map { accounts.count > 1 ? "account \(name): \($0)" : $0 }
        }
        return reasons.isEmpty ? .healthy : .unhealthy(reasons.joined(separator: "; "))
    }

    private func problem(_ cycle: CycleOutcome?) -> String? {
        guard let cycle else { return "no poll cycle has been recorded yet" }
        guard cycle.result == .complete else {
            return "the last poll cycle was \(cycle.result.rawValue): \(cycle.error ?? "no detail")"
        }
        let scheduled =
            cycle.nextCycleAt.map { max(0, UnixTime.seconds(from: cycle.finishedAt, to: $0)) } ?? 0
        let interval = max(Int64(poll.interval), scheduled)
        let age = UnixTime.seconds(from: cycle.finishedAt, to: now())
        guard age <= 3 * interval else {
            return "the last complete poll cycle finished \(age) s ago, more than 3 × \(interval) s"
        }
        return nil
    }
}
