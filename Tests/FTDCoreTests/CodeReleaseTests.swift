import Foundation
import Testing

@testable import FTDDaemon

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

    /// One mapping of an smaps text: its header, then the lines the kernel writes for it.
    static func mapping(
        _ range: String, _ perms: String, path: String, rss: Int, anonymous: Int = 0, swap: Int = 0
    ) -> String {
        """
        \(range) \(perms) 00001000 08:01 4242                       \(path)
        Size:                \(rss) kB
        KernelPageSize:        4 kB
        Rss:                 \(rss) kB
        Pss:                 \(rss) kB
        Private_Clean:       \(rss) kB
        Anonymous:           \(anonymous) kB
        AnonHugePages:         0 kB
        FilePmdMapped:         0 kB
        Swap:                \(swap) kB
        Locked:                0 kB
        VmFlags: rd ex mr mw me

        """
    }

    /// Only the executable's r-xp mappings that hold no private copy of a page, resident or
    /// swapped out, are released; a line longer than the reader's buffer is not read as
    /// headers; a path with spaces and "(deleted)" (the binary replaced by an upgrade) is
    /// still the executable's.
    @Test func picksOnlyTheExecutablesUnmodifiedCode() throws {
        let executable = "/opt/my ftd/bin/ftd (deleted)"
        // A mapped file whose name is long enough that its header line is read in two
        // parts, the second spelling a header of the executable's code.
        let longHeader = "7f1000000000-7f1000001000 r--p 00000000 08:01 43 /tmp/"
        let padded = longHeader + String(repeating: "x", count: 8_191 - longHeader.utf8.count)
        let forged = "7f0000000000-7fffffffffff r-xp 00000000 08:01 4242 \(executable)"
        let smaps =
            Self.mapping("55d000000000-55d000001000", "r--p", path: executable, rss: 1)
            + Self.mapping("55d000001000-55d000002000", "r-xp", path: executable, rss: 2)
            + Self.mapping("55d000002000-55d000003000", "r-xp", path: executable, rss: 4, anonymous: 4)
            + Self.mapping("55d000003000-55d000004000", "r-xp", path: executable, rss: 8, swap: 4)
            + Self.mapping("7f2000000000-7f2000001000", "r-xp", path: "/usr/lib/libswiftCore.so", rss: 16)
            + Self.mapping(String(padded.prefix(25)), "r--p", path: "", rss: 32)
            .replacingOccurrences(
                of: String(padded.prefix(25)) + " r--p 00001000 08:01 4242                       ",
                with: padded + forged)
            + "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0\nRss:                  64 kB\n"
            + Self.mapping("55d000004000-55d000005000", "r-xp", path: executable, rss: 128)
        #expect(ProcessMemory.releasableCodeKilobytes(smaps: smaps, executable: executable) == 2 + 128)
        #expect(ProcessMemory.releasableCodeKilobytes(smaps: "", executable: executable) == 0)
        #expect(ProcessMemory.releasableCodeKilobytes(smaps: "no smaps here\n", executable: executable) == 0)
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
