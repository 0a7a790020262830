import FTDModel

/// Decides how far to read a job's events.
///
/// The API lists events newest first and cannot be asked for "newer than X", so ftd
/// reads from the top and pages on with `after` until it meets an event it has already
/// stored, or the list ends. Ids repeated across pages (the list grew while being read)
/// are taken once.
///
/// A backfill (`stopsAtStoredEvents: false`) reads on below a gap that an earlier cycle
/// left (it stopped at its page budget): stored events are skipped, not an end, and only
/// the end of the list completes it.
///
/// A list that answers `has_more` with a cursor it already gave (a buggy or hostile
/// server) would be paged forever: that is `repeatedCursor`, and the paging stops.
public struct EventPager: Sendable {
    /// New events collected so far, newest first.
    public private(set) var newEvents: [JobEvent] = []
    /// True once a stored event was met or the list ended: the batch has no gap.
    public private(set) var isComplete = false
    /// The cursor the list gave a second time, when it did: it would never end.
    public private(set) var repeatedCursor: String?
    public var isRepeating: Bool { repeatedCursor != nil }
    private var collected: Set<String> = []
    private var cursors: Set<String> = []
    private let stopsAtStoredEvents: Bool

    public init(stopsAtStoredEvents: Bool = true) {
        self.stopsAtStoredEvents = stopsAtStoredEvents
    }

    /// Takes one page. Returns the `after` cursor for the next page, or nil when done.
    public mutating func take(page: ListPage<JobEvent>, storedIDs: Set<String>) -> String? {
        for event in page.data {
            if storedIDs.contains(event.id) {
                guard stopsAtStoredEvents else { continue }
                isComplete = true
                return nil
            }
            if collected.insert(event.id).inserted {
                newEvents.append(event)
            }
        }
        guard page.hasMore, let last = page.data.last else {
            isComplete = true
            return nil
        }
        guard cursors.insert(last.id).inserted else {
            repeatedCursor = last.id
            return nil
        }
        return last.id
    }
}
