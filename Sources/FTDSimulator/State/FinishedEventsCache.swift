/// The events of a few finished jobs, newest first and already written as JSON, with each
/// event's position. A finished job's events never change, and building and writing
/// 100,000 of them again for every page of 100 would make the simulator, not the client,
/// the slow side of a large sync.
struct FinishedEventsCache: Sendable {
    struct Entry: Sendable {
        /// Each event as the events endpoint writes it (`APIObjects.event`), newest first.
        let newestFirst: [String]
        let positions: [String: Int]
    }

    /// Jobs kept; a client pages through a handful of jobs at a time.
    let capacity: Int
    private var entries: [String: (entry: Entry, lastUse: UInt64)] = [:]
    private var uses: UInt64 = 0

    init(capacity: Int = 16) {
        self.capacity = max(1, capacity)
    }

    /// The cached events of `jobID`, built with `build` (oldest first) when missing.
    mutating func events(of jobID: String, build: () -> [TimelineEvent]) -> Entry {
        uses += 1
        if let cached = entries[jobID] {
            entries[jobID] = (cached.entry, uses)
            return cached.entry
        }
        let events = build().reversed()
        var positions: [String: Int] = [:]
        positions.reserveCapacity(events.count)
        for (index, event) in events.enumerated() { positions[event.id] = index }
        let entry = Entry(newestFirst: events.map { APIObjects.event($0).serialized }, positions: positions)
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries[oldest.key] = nil
        }
        entries[jobID] = (entry, uses)
        return entry
    }
}
