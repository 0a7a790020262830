import Testing

@testable import FTDSimulator

@Suite("Pagination")
struct PaginationTests {
    let items = (1...25).map { "item-\($0)" }

    @Test("The first page takes the default limit and says more remain")
    func firstPage() {
        let page = Pagination(after: nil, limit: nil, defaultLimit: 20).page(of: items) { $0 }
        #expect(page.items == Array(items.prefix(20)))
        #expect(page.hasMore)
    }

    @Test("after returns the items following the given id")
    func after() {
        let page = Pagination(after: "item-20", limit: nil, defaultLimit: 20).page(of: items) { $0 }
        #expect(page.items == Array(items.suffix(5)))
        #expect(!page.hasMore)
    }

    @Test("A page that ends exactly at the last item has no more")
    func exactEnd() {
        let page = Pagination(after: "item-15", limit: "10", defaultLimit: 20).page(of: items) { $0 }
        #expect(page.items.count == 10)
        #expect(!page.hasMore)
    }

    @Test(
        "Limits are clamped to 1...100 and unreadable ones use the default",
        arguments: [
            ("0", 1), ("-5", 1), ("1000", 100), ("abc", 20), ("7", 7),
        ])
    func limits(text: String, expected: Int) {
        #expect(Pagination(after: nil, limit: text, defaultLimit: 20).limit == expected)
    }

    @Test("An unknown after id gives an empty last page")
    func unknownAfter() {
        let page = Pagination(after: "nope", limit: nil, defaultLimit: 20).page(of: items) { $0 }
        #expect(page.items.isEmpty && !page.hasMore)
    }
}
