import Foundation
import Testing

/// What the systemd unit promises beyond `systemd-analyze verify` (scripts/check-service).
@Suite("The systemd unit")
struct UnitFileTests {
    static let unit = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("systemd/ftd.service")

    static func value(of key: String) throws -> String? {
        try String(contentsOf: unit, encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix(key + "=") }
            .map { String($0.dropFirst(key.count + 1)) }
    }

    /// Issue 19, item 3: whatever a hostile API answer still makes ftd hold in memory,
    /// the kernel stops it before the machine swaps; generous, so ftd never meets it.
    @Test func theDaemonsMemoryHasAGenerousCeiling() throws {
        let value = try #require(try Self.value(of: "MemoryMax"), "MemoryMax= is missing from the unit")
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        let bytes =
            value.last.flatMap { units[$0] }.map { (Int(value.dropLast()) ?? 0) * $0 } ?? Int(value) ?? 0
        #expect(bytes >= 512 << 20, "MemoryMax=\(value): too tight for a daemon with hooks")
        #expect(bytes <= 4 << 30, "MemoryMax=\(value): no ceiling to speak of")
    }
}
