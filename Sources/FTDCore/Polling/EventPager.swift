/// Decides how far to read a job's events.
///
/// The API lists events newest first and cannot be asked for "newer than X", so ftd
/// reads from the top and pages on with `after` until it meets an event it has already
/// stored, or the list ends. Ids repeated across pages (the list grew while being read)
/// are taken once.
public struct EventPager: Sendable {
    /// New events collected so far, newest first.
    public private(set) var newEvents: [JobEvent] = []
    /// True once a stored event was met or the list ended: the batch has no gap.
    public private(set) var isComplete = false
    private var collected: Set<String> = []

    public init() {}

    /// Takes one page. Returns the `after` cursor for the next page, or nil when done.
    public mutating func take(page: ListPage<JobEvent>, storedIDs: Set<String>) -> String? {
        for event in page.data {
            if storedIDs.contains(event.id) {
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
        return last.id
    }
}
