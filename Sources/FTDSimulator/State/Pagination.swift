/// The API's cursor pagination over a newest-first list: `after` is the id of the last
/// item of the previous page, and the next page holds the items older than it.
struct Pagination: Sendable, Equatable {
    let after: String?
    let limit: Int

    static let maximumLimit = 100

    /// `limit` is clamped to 1...100; a missing or unreadable one takes `defaultLimit`.
    init(after: String?, limit: String?, defaultLimit: Int) {
        self.after = after.flatMap { $0.isEmpty ? nil : $0 }
        let requested = limit.flatMap { Int($0) } ?? defaultLimit
        self.limit = min(Self.maximumLimit, max(1, requested))
    }

    /// The page of `newestFirst` that follows `after`, and whether more items remain.
    /// An unknown `after` gives an empty last page.
    func page<Item>(of newestFirst: [Item], id: (Item) -> String) -> (items: [Item], hasMore: Bool) {
        var start = 0
        if let after {
            guard let index = newestFirst.firstIndex(where: { id($0) == after }) else { return ([], false) }
            start = index + 1
        }
        return page(of: newestFirst, from: start)
    }

    /// The same, finding `after` in `positions` (each id's index in `newestFirst`).
    func page<Item>(of newestFirst: [Item], positions: [String: Int]) -> (items: [Item], hasMore: Bool) {
        var start = 0
        if let after {
            guard let index = positions[after] else { return ([], false) }
            start = index + 1
        }
        return page(of: newestFirst, from: start)
    }

    private func page<Item>(of newestFirst: [Item], from start: Int) -> (items: [Item], hasMore: Bool) {
        let end = min(newestFirst.count, start + limit)
        return (Array(newestFirst[start..<end]), end < newestFirst.count)
    }
}
