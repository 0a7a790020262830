import FTDAPI
import FTDModel
import FTDStore

/// Paging that must end: the limits and checks of SPEC section 3's lists against a server
/// that never says `has_more: false` (issue 19, item 3).
extension PollCycle {
    /// Pages `jobID`'s events from `after` into `pager` while `budget` lasts. Returns the
    /// cursor to read on from when the budget ran out first, nil when the pager is done.
    func readEvents(
        of jobID: String, after start: String?, into pager: inout EventPager, budget: inout Int,
        _ result: inout JobSyncResult
    ) async throws -> String? {
        var after = start
        let key = JobKey(account: account, id: jobID)
        // A job without stored events (its first sync) has none to meet: its pages are not
        // looked up one by one, a read each.
        let checksStored = try await store.hasStoredEvents(job: key)
        repeat {
            guard budget > 0 else { return after }
            budget -= 1
            result.requests += 1
            let page = try await api.listEvents(jobID: jobID, after: after, limit: pageSizes.events)
            let stored =
                checksStored ? try await store.storedEventIDs(job: key, among: page.data.map(\.id)) : []
            after = pager.take(page: page, storedIDs: stored)
        } while after != nil
        if let cursor = pager.repeatedCursor {
            throw ListPaging.repeated(
                "events", cursor: cursor, endpoint: "GET /fine_tuning/jobs/\(jobID)/events")
        }
        return nil
    }

    /// Records the change of a job's resume cursor with the cycle, and says so when part
    /// of its events is left for the next cycles: a job that is read in parts should not
    /// look complete in the log.
    func note(_ change: ResumeCursorChange, jobID: String, in record: inout CycleRecord) {
        switch change {
        case .unchanged: break
        case .set:
            logger.notice(
                "\(jobID): more events than one cycle reads (\(pageLimits.events) pages): the older ones are read by the next cycles",
                metadata: ["job.id": "\(jobID)"])
        case .clear:
            logger.info("\(jobID): every event is read now", metadata: ["job.id": "\(jobID)"])
        }
        record.apply(change, jobID: jobID)
    }
}

/// What a job's sync does to its event resume cursor.
enum ResumeCursorChange: Sendable, Equatable {
    case unchanged
    /// Events below this id are still to be read.
    case set(String)
    /// Every event has been read.
    case clear
}

extension CycleRecord {
    mutating func apply(_ change: ResumeCursorChange, jobID: String) {
        switch change {
        case .unchanged: break
        case .set(let cursor): eventResumeCursors[jobID] = cursor
        case .clear: eventResumeCleared.insert(jobID)
        }
    }
}

/// The cursors one paging of a list has followed: the list must end within `maxPages`,
/// and a cursor it hands back a second time means it never would.
struct ListCursors {
    let list: String
    let endpoint: String
    let maxPages: Int
    private var followed: Set<String> = []

    init(_ list: String, endpoint: String, maxPages: Int) {
        self.list = list
        self.endpoint = endpoint
        self.maxPages = maxPages
    }

    /// `cursor`, to read the next page after; throws when that page would be one too
    /// many or the cursor was followed before.
    mutating func follow(_ cursor: String) throws(APIError) -> String {
        guard followed.count + 1 < maxPages else {
            throw ListPaging.endless(list, pages: maxPages, endpoint: endpoint)
        }
        guard followed.insert(cursor).inserted else {
            throw ListPaging.repeated(list, cursor: cursor, endpoint: endpoint)
        }
        return cursor
    }
}

/// A list the API would have ftd page forever: an error of that request, as a malformed
/// answer is. The cycle records what else it got, and the next cycle tries again.
enum ListPaging {
    static func repeated(_ list: String, cursor: String, endpoint: String) -> APIError {
        APIError(
            kind: .malformedResponse,
            message:
                "the \(list) list answered has_more again with a page that ends at \(cursor), already read: it would never end, so ftd stopped paging it this cycle",
            endpoint: endpoint)
    }

    static func endless(_ list: String, pages: Int, endpoint: String) -> APIError {
        APIError(
            kind: .malformedResponse,
            message: "the \(list) list did not end after \(pages) pages: ftd stopped paging it this cycle",
            endpoint: endpoint)
    }
}
