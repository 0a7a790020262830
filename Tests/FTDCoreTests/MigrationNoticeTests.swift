import FTDModel
import Foundation
import Testing

@testable import FTDStore

/// An upgrade that copies every row says so before it starts (the daemon logs it and asks
/// systemd for the time), and only when there is something to copy.
struct MigrationNoticeTests {
    static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Databases/v7-single-account.sqlite3")

    @Test func aDatabaseOfThePreviousReleaseAnnouncesItsCopyingMigrationOnce() throws {
        let directory = try StoreSample.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ftd.sqlite3").path
        try FileManager.default.copyItem(atPath: Self.fixture.path, toPath: path)
        let heard = Locked<[[String]]>([])
        _ = try AppDatabase.open(
            path: path, groupReadable: false, logger: StoreSample.logger,
            onMigrating: { pending in heard.withLock { $0.append(pending) } })
        #expect(
            heard.withLock { $0 } == [
                ["v8-accounts", "v9-estimates", "v10-alerts", "v11-loss-scans", "v12-compact-events"]
            ])
        #expect(AppDatabase.copyingMigrations.isSubset(of: Set(heard.withLock { $0 }.flatMap { $0 })))
        _ = try AppDatabase.open(
            path: path, groupReadable: false, logger: StoreSample.logger,
            onMigrating: { pending in heard.withLock { $0.append(pending) } })
        #expect(heard.withLock { $0 }.count == 1, "an up-to-date database announces nothing")

        let fresh = directory.appendingPathComponent("new.sqlite3").path
        _ = try AppDatabase.open(
            path: fresh, groupReadable: false, logger: StoreSample.logger,
            onMigrating: { pending in heard.withLock { $0.append(pending) } })
        #expect(heard.withLock { $0 }.count == 1, "a new database is created whole, with nothing to copy")
    }
}
