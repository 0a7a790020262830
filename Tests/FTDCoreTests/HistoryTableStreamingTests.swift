import Testing

@testable import FTDModel
@testable import FTDStore
@testable import FTDTerminal

/// `ftd history`'s table as it streams: the jobs go in one at a time
/// (`JobTableView.Rows`, in blocks), and the text comes out a piece at a time.
struct HistoryTableStreamingTests {
    static let now = HistoryViewTests.now
    static let statuses = [
        "running", "succeeded", "failed", "cancelled", "queued", "paused", "validating_files",
    ]

    /// More jobs than three blocks hold, of every status, in two accounts, with text that
    /// is not ASCII; the longest id and model are the last job's, in the last block.
    static let jobs: [JobSummary] = (0..<700).map { n in
        JobSummary(
            account: n % 3 == 0 ? "research" : "default",
            id: n == 699 ? "ftjob-the-longest-id-of-them-all-0699" : "ftjob-\(n)",
            status: statuses[n % statuses.count],
            model: n == 699
                ? "gpt-4o-mini-2024-07-18-the-longest-model" : n % 5 == 0 ? "modèle-\(n)" : "davinci-002",
            fineTunedModel: n % 2 == 0 ? "ft:gpt-4o-mini-2024-07-18:org:suffix-\(n):9ABel2dg" : nil,
            createdAt: now - Int64(n) * 997, finishedAt: n % 4 == 0 ? now - Int64(n) * 500 : nil,
            trainedTokens: n % 6 == 0 ? Int64(n) * 1_000 : nil, steps: n,
            lastTrainLoss: n % 3 == 0 ? nil : 1 / Double(n))
    }

    static func rows(_ options: HistoryRenderOptions, accounts: Bool) -> JobTableView.Rows {
        var rows = JobTableView.Rows(options: options, accounts: accounts)
        for job in jobs { rows.append(job) }
        return rows
    }

    @Test(arguments: [
        (80, false, false), (80, true, true), (200, false, true), (250, true, false), (40, false, false),
    ])
    func thePiecesAreWholeLinesAndMakeTheTable(width: Int, color: Bool, accounts: Bool) {
        let options = HistoryRenderOptions(color: color, width: width, now: Self.now)
        let rows = Self.rows(options, accounts: accounts)
        #expect(rows.count == Self.jobs.count)
        #expect(rows.blocks.count == 3)
        var pieces: [[UInt8]] = []
        JobTableView.render(rows, chunkSize: 4096) { pieces.append($0) }
        #expect(pieces.count > 10)
        for piece in pieces { #expect(piece.last == UInt8(ascii: "\n")) }
        // Each piece but the last is the size asked, or a line more.
        for piece in pieces.dropLast() { #expect(piece.count >= 4096 && piece.count < 4096 + 1024) }
        let table = JobTableView.render(Self.jobs, options: options, accounts: accounts)
        #expect(String(decoding: pieces.joined(), as: UTF8.self) == table)
        var whole: [[UInt8]] = []
        JobTableView.render(rows, chunkSize: .max) { whole.append($0) }
        #expect(whole.count == 1 && whole.first.map { String(decoding: $0, as: UTF8.self) } == table)
    }

    /// The columns are as wide as their widest cell in any block: the last job's id and
    /// model are.
    @Test func theWidthsAreMeasuredOverEveryBlock() {
        let table = JobTableView.render(Self.jobs, options: HistoryRenderOptions(width: 250, now: Self.now))
        let lines = table.split(separator: "\n")
        let id = "ftjob-the-longest-id-of-them-all-0699"
        #expect(
            lines.first?.hasPrefix("JOB ID" + String(repeating: " ", count: id.count - 6 + 2) + "STATUS")
                == true)
        let model = "gpt-4o-mini-2024-07-18-the-longest-model"
        #expect(lines.last?.contains(model + "  ") == true)
        #expect(lines[2].contains("davinci-002" + String(repeating: " ", count: model.count - 11 + 2)))
    }

    @Test func noRowsGiveTheHintInOnePiece() {
        let rows = JobTableView.Rows(options: HistoryViewTests.plain)
        #expect(rows.isEmpty)
        var pieces: [String] = []
        JobTableView.render(rows, statusFilter: "failed") {
            pieces.append(String(decoding: $0, as: UTF8.self))
        }
        #expect(pieces == [JobTableView.render([], options: HistoryViewTests.plain, statusFilter: "failed")])
        #expect(pieces.first?.contains("status failed") == true)
    }
}
