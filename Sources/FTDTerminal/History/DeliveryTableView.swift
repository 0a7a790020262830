import FTDModel
import FTDStore

/// `ftd hooks runs`: two lines per delivery, so that the full delivery id and job id are
/// never cut in 80 columns. The first says how the delivery went, the second what it was
/// for and, when an attempt failed, the last line the hook wrote to stderr.
public enum DeliveryTableView {
    static let gap = "  "

    public static func render(
        _ deliveries: [DeliveryView], options: HistoryRenderOptions, failedOnly: Bool = false
    )
        -> String
    {
        guard !deliveries.isEmpty else {
            return failedOnly
                ? "No delivery has failed.\n"
                : "No hook has run yet: hooks fire on status changes after the first poll.\n"
        }
        let header = ["DELIVERY", "HOOK", "STATUS", "TRIES", "EXIT", "CREATED"]
        let rows = deliveries.map { cells(for: $0, now: options.now) }
        var widths = (0..<header.count).map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        // Only the hook's name gives way: the id, status and numbers must stay whole.
        let fixed = widths.enumerated().filter { $0.offset != 1 }.map(\.element).reduce(0, +)
        let room = options.width - fixed - gap.count * (header.count - 1)
        widths[1] = max(min(widths[1], room), 4)

        var lines = [line(header, widths: widths, status: nil, color: false)]
        for (row, delivery) in zip(rows, deliveries) {
            lines.append(line(row, widths: widths, status: delivery.status, color: options.color))
            lines.append(TerminalText.elideEnd(detail(delivery), options.width))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func cells(for delivery: DeliveryView, now: Int64) -> [String] {
        let exit: String
        if delivery.attempts == 0 {
            exit = "-"
        } else {
            exit = delivery.lastExitCode.map(String.init) ?? "-"
        }
        let clean = { (text: String) in TerminalSanitizer.clean(text) }
        return [
            clean(delivery.deliveryID), clean(delivery.hook), clean(delivery.status),
            String(delivery.attempts),
            exit,
            TerminalText.relative(delivery.createdAt, now: now),
        ]
    }

    static func detail(_ delivery: DeliveryView) -> String {
        // The job id and statuses came from the API, the stderr line from the hook.
        var text = "  " + delivery.jobID + ": " + (delivery.from ?? "new") + " → " + delivery.to
        if delivery.status != "succeeded", let line = delivery.lastStderrLine {
            text += "  stderr: " + line
        }
        return TerminalSanitizer.clean(text)
    }

    private static func line(_ cells: [String], widths: [Int], status: String?, color: Bool) -> String {
        var parts: [String] = []
        for (index, cell) in cells.enumerated() {
            let fitted = TerminalText.elideEnd(cell, widths[index])
            // Numbers align right, as in `ftd history`.
            let padded =
                index == 3 || index == 4
                ? TerminalText.padLeft(fitted, widths[index]) : TerminalText.padRight(fitted, widths[index])
            if index == 2, let status {
                parts.append(StatusStyle.paint(padded, status: status, color: color))
            } else {
                parts.append(padded)
            }
        }
        var text = parts.joined(separator: gap)
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
