import FTDDaemon
import Foundation
import Testing

/// The daemon's code that ran once leaves its resident set (issue 17: RSS), and only
/// when and as often as `CodeRelease` says.
struct CodeReleaseTests {
    /// KiB resident in this process's executable code mappings, from /proc/self/smaps.
    static func residentCodeKilobytes() throws -> Int {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var total = 0
        var inCode = false
        for line in try String(contentsOfFile: "/proc/self/smaps", encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 6, fields[0].contains("-"), !line.hasSuffix("kB") {
                inCode = fields[1] == "r-xp" && fields[5...].joined(separator: " ") == executable
            } else if inCode, fields.first == "Rss:", let kilobytes = Int(fields[1]) {
                total += kilobytes
            }
        }
        return total
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/smaps")))
    func theCodeThatRanLeavesTheResidentSetAndStillRuns() throws {
        let before = try Self.residentCodeKilobytes()
        #expect(before > 0)
        let released = try #require(ProcessMemory.releaseCodePages())
        #expect(released >= before / 2, "released \(released) KiB of \(before)")
        // This test's own code runs on: its pages come back from the page cache.
        let after = try Self.residentCodeKilobytes()
        #expect(after < before, "\(after) KiB resident after, \(before) before")
        #expect(try JSONSerialization.jsonObject(with: Data("[1]".utf8)) as? [Int] == [1])
    }

    @Test func releasesAfterTheFirstRoundThenHourly() {
        let release = CodeRelease(every: .seconds(3_600))
        let start = SuspendingClock.now
        #expect(!release.due(firstRoundDone: false, now: start))
        #expect(release.due(firstRoundDone: true, now: start))
        #expect(!release.due(firstRoundDone: false, now: start + .seconds(60)))
        #expect(!release.due(firstRoundDone: true, now: start + .seconds(3_599)))
        #expect(release.due(firstRoundDone: false, now: start + .seconds(3_600)))
        #expect(!release.due(firstRoundDone: false, now: start + .seconds(3_700)))
    }
}
