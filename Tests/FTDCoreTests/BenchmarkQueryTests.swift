import Foundation
import Testing

@testable import FTDStore

/// `scripts/bench` compares `ftd history` with sqlite3 running "the equivalent query": it
/// must stay the query ftd runs.
struct BenchmarkQueryTests {
    @Test func theBenchmarksSQLite3QueryIsTheListingsQuery() throws {
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/bench")
        let text = try String(contentsOf: script, encoding: .utf8)
        let start = try #require(text.range(of: "summary_sql=\""))
        let end = try #require(text[start.upperBound...].firstIndex(of: "\""))
        let benchmark = String(text[start.upperBound..<end])
        let ours = AppDatabase.summarySQL(filter: nil).replacingOccurrences(of: "LIMIT ?", with: "LIMIT -1")
        #expect(Self.words(benchmark) == Self.words(ours))
    }

    static func words(_ sql: String) -> [Substring] {
        sql.split(whereSeparator: \.isWhitespace)
    }
}
