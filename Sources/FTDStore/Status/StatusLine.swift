import FTDModel
import Foundation

/// The one-line summary systemd shows as the service's status (`STATUS=`), e.g.
/// "3 active jobs · last poll 12:00:01 · next 12:00:31 · 0 pending deliveries".
public enum StatusLine {
    public static func text(
        activeJobs: Int, outcome: CycleOutcome, pendingDeliveries: Int, timeZone: TimeZone = .current
    ) -> String {
        var poll = "last poll \(clock(outcome.finishedAt, timeZone))"
        switch outcome.result {
        case .complete: break
        case .incomplete:
            poll +=
                " (\(outcome.failedRequests) \(outcome.failedRequests == 1 ? "request" : "requests") failed)"
        case .failed:
            poll += " failed" + (outcome.error.map { ": " + shortened($0) } ?? "")
        }
        var parts = ["\(activeJobs) active \(activeJobs == 1 ? "job" : "jobs")", poll]
        if let next = outcome.nextCycleAt { parts.append("next \(clock(next, timeZone))") }
        parts.append(
            "\(pendingDeliveries) pending \(pendingDeliveries == 1 ? "delivery" : "deliveries")")
        return parts.joined(separator: " · ")
    }

    /// HH:mm:ss in `timeZone`.
    package static func clock(_ unixSeconds: Int64, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents(
            [.hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(unixSeconds)))
        let pad = { (value: Int?) in
            let number = value ?? 0
            return number < 10 ? "0\(number)" : "\(number)"
        }
        return "\(pad(parts.hour)):\(pad(parts.minute)):\(pad(parts.second))"
    }

    /// The first line of a stored error, cleaned for a terminal and at most 80 characters.
    public static func firstLine(_ text: String) -> String { shortened(text) }

    /// The first line, at most 80 characters: systemctl shows the status on one line.
    static func shortened(_ text: String) -> String {
        let line = TerminalSanitizer.clean(text.split(separator: "\n").first.map(String.init) ?? "")
        return line.count <= 80 ? line : String(line.prefix(79)) + "…"
    }
}
