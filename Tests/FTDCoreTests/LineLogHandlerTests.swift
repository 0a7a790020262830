import FTDDaemon
import FTDModel
import Foundation
import Logging
import Testing

/// Log lines for the journal and for people.
@Suite struct LineLogHandlerTests {
    let time = Date(timeIntervalSince1970: 1_795_694_401.25)
    let utc = TimeZone(identifier: "UTC")!

    @Test func journalLinesCarryTheSyslogPriorityAndNoTimestamp() {
        let line = LineLogHandler.format(
            level: .notice, message: "ftjob-1: running → succeeded", metadata: ["job.id": "ftjob-1"],
            label: "ftd", style: .journal, time: time, timeZone: utc)
        #expect(line == "<5>ftjob-1: running → succeeded job.id=ftjob-1\n")
        let priorities = Logger.Level.allCases.map(LineLogHandler.priority)
        #expect(priorities == [7, 7, 6, 5, 4, 3, 2])
    }

    @Test func readableLinesStartWithTimeAndLevel() {
        let line = LineLogHandler.format(
            level: .warning, message: "request failed", metadata: ["http.status": "503", "b": "two words"],
            label: "ftd", style: .readable, time: time, timeZone: utc)
        #expect(line == "2026-11-26 12:00:01.250 warning request failed b=\"two words\" http.status=503\n")
    }

    @Test func aRecordIsAlwaysOneLine() {
        let line = LineLogHandler.format(
            level: .error, message: "hook failed\nsecond line", metadata: ["stderr": "a\nb"], label: "sim",
            style: .journal, time: time)
        #expect(line == "<3>[sim] hook failed\\nsecond line stderr=a\\nb\n")
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test func theJournalIsRecognisedOnlyWhenItIsReallyStderr() {
        #expect(!LineLogHandler.stderrIsJournal(environment: [:]))
        #expect(!LineLogHandler.stderrIsJournal(environment: ["JOURNAL_STREAM": "garbage"]))
        var info = stat()
        fstat(STDERR_FILENO, &info)
        #expect(
            LineLogHandler.stderrIsJournal(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]))
        #expect(
            !LineLogHandler.stderrIsJournal(environment: [
                "JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino + 1)"
            ]))
    }

    @Test func theHandlerWritesWhatItFormats() {
        let lines = Locked<[String]>([])
        var logger = Logger(label: "ftd") { label in
            LineLogHandler(label: label, level: .info, style: .journal) { line in
                lines.withLock { $0.append(line) }
            }
        }
        logger[metadataKey: "db.path"] = "/x"
        logger.debug("hidden")
        logger.info("shown", metadata: ["n": "1"])
        #expect(lines.withLock { $0 } == ["<6>shown db.path=/x n=1\n"])
    }
}
