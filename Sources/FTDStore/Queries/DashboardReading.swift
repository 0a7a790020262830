import FTDModel

/// What the dashboard's queries work out the same way in every backend: the search as it
/// is matched, where a sparkline looks, and how a page of events ends.
extension OverviewQuery {
    /// The search as the stores match it: lowercased as Swift lowercases, nil when empty.
    /// The stores lower the text searched as SQLite's `lower` does (ASCII letters only) and
    /// look for this as a plain piece of it: a `%` or `_` typed means itself.
    package var searchNeedle: String? { Self.needle(search) }

    static func needle(_ search: String?) -> String? {
        guard let needle = search?.lowercased(), !needle.isEmpty else { return nil }
        return needle
    }
}

extension EventPageQuery {
    /// The search as the stores match it: see `OverviewQuery.searchNeedle`.
    package var searchNeedle: String? { OverviewQuery.needle(search) }
}

/// Where a job's sparkline reads its train loss: `points` steps evenly spaced from `first`
/// to `last`, the first and the last included. A store seeks, for each in turn, the first
/// step with a train loss at or above it and above the step found before, and stops at the
/// first seek that finds none: one seek on the steps' key each, so a job of 100,000 steps
/// costs what one of 40 does.
package enum Sparkline {
    package static func targets(first: Int, last: Int, points: Int) -> [Int] {
        guard points > 0 else { return [] }
        if points == 1 { return [last] }
        return (0..<points).map { index in
            first + Int((Double(last - first) * Double(index) / Double(points - 1)).rounded())
        }
    }
}

extension EventPage {
    /// A page of at most `limit` events from `fetched`, newest first, which holds one more
    /// than that when an older page exists.
    package init(total: Int, fetched: [PagedEvent], limit: Int) {
        let shown = Array(fetched.prefix(max(limit, 0)))
        self.init(total: total, events: shown, next: fetched.count > shown.count ? shown.last?.cursor : nil)
    }
}
