import FTDModel
import FTDStore

/// `ftd history`: one aligned row per job. When the terminal is too narrow for every
/// column on one line, the model and fine-tuned model move to a second, indented line,
/// so the full job id is never cut.
///
/// With `accounts`, an ACCOUNT column comes first (SPEC section 8: the caller asks for it
/// when the database holds jobs of more than one account). In the two-line layout it
/// leads the second line instead, so the first line is as wide as without it.
///
/// COST is the job's training cost (SPEC section 10) as `options.prices` works it out:
/// `$12.34`, `~$1.20` for `ftd submit`'s estimate while the job runs, `-` when unknown.
/// It follows LOSS on one line; in the two-line layout it starts the second line (after
/// the account), so the first line is as wide as without it.
public enum JobTableView {
    static let gap = "  "
    static let minModelWidth = 14
    static let minFineTunedWidth = 20

    public static func render(
        _ jobs: [JobSummary], options: HistoryRenderOptions, statusFilter: String? = nil,
        accountFilter: String? = nil, accounts: Bool = false
    ) -> String {
        String(
            decoding: renderBytes(
                jobs, options: options, statusFilter: statusFilter, accountFilter: accountFilter,
                accounts: accounts),
            as: UTF8.self)
    }

    /// `render(…)` as UTF-8 bytes, for a caller that writes them out as they are.
    public static func renderBytes(
        _ jobs: [JobSummary], options: HistoryRenderOptions, statusFilter: String? = nil,
        accountFilter: String? = nil, accounts: Bool = false
    ) -> [UInt8] {
        var table = Rows(options: options, accounts: accounts)
        // By index: a whole `JobSummary` copied per row retains and releases its strings.
        for index in jobs.indices { table.append(jobs[index]) }
        var bytes: [UInt8] = []
        render(table, statusFilter: statusFilter, accountFilter: accountFilter, chunkSize: .max) {
            bytes = $0
        }
        return bytes
    }

    /// A table's jobs as they are read, one at a time (`HistoryStore.reduceJobSummaries`):
    /// each job's cells are formatted into an arena of bytes as it comes, and the job
    /// itself is not kept. The columns' widths are known once the last one is in.
    ///
    /// Every cell's text is formatted once into the arena, then copied into the output
    /// with its padding: 10,000 jobs make 20,000 lines, and building them as strings was
    /// most of ftd history's time. The rows and their arena grow a block at a time, and
    /// nothing is copied as they do: one array doubling as it grew copied and faulted in
    /// megabytes for 10,000 jobs.
    public struct Rows: Sendable {
        let options: HistoryRenderOptions
        /// With an ACCOUNT column.
        let accounts: Bool
        var blocks: [Block] = []
        var widths = Widths()
        public private(set) var count = 0

        /// Rows, and the arena their cells are in.
        struct Block {
            var arena = TextBuffer(capacity: Rows.blockBytes)
            var cells: [Cells] = []

            init() { cells.reserveCapacity(Rows.blockRows) }

            var isFull: Bool { cells.count == Rows.blockRows || arena.count > Rows.blockBytes - 4096 }
        }

        static let blockRows = 256
        /// Room for `blockRows` rows of 250 bytes: a row is about 130. A block whose arena
        /// is nearly full is done; a row longer than the room left still goes in whole
        /// (the arena grows).
        static let blockBytes = 64 * 1024

        public init(options: HistoryRenderOptions, accounts: Bool = false) {
            self.options = options
            self.accounts = accounts
        }

        public var isEmpty: Bool { count == 0 }

        public mutating func append(_ job: JobSummary) {
            if blocks.isEmpty || blocks[blocks.count - 1].isFull { blocks.append(Block()) }
            let last = blocks.count - 1
            let row = JobTableView.cells(
                for: job, now: options.now, prices: options.prices, account: accounts, in: &blocks[last].arena
            )
            widths.widen(toFit: row)
            blocks[last].cells.append(row)
            count += 1
        }
    }

    /// The table of `rows` (the hint when there are none), handed to `write` a piece at a
    /// time: whole lines, `chunkSize` bytes or a line more each, the last one shorter. A
    /// table of 10,000 jobs is megabytes, and one buffer of them was as many page faults.
    /// The pieces together are `render(…)`'s text.
    public static func render(
        _ rows: Rows, statusFilter: String? = nil, accountFilter: String? = nil, chunkSize: Int = 1 << 16,
        to write: ([UInt8]) throws -> Void
    ) rethrows {
        guard !rows.isEmpty else {
            return try write(Array(emptyHint(statusFilter: statusFilter, accountFilter: accountFilter).utf8))
        }
        let options = rows.options
        // The header's labels, in an arena of their own.
        var labels = TextBuffer(capacity: 128)
        var header = Cells(
            account: rows.accounts ? labels.cell("ACCOUNT") : nil, id: labels.cell("JOB ID"),
            status: labels.cell("STATUS"),
            model: labels.cell("MODEL"), created: labels.cell("CREATED"), duration: labels.cell("DURATION"),
            steps: labels.cell("STEPS"), loss: labels.cell("LOSS"), cost: labels.cell("COST"),
            fineTuned: labels.cell("FINE-TUNED MODEL"))
        var widths = rows.widths
        widths.widen(toFit: header)
        let whole = (rows.count + 2) * 2 * (min(options.width, 240) + 1)
        var out = TextBuffer(capacity: chunkSize < whole ? chunkSize + 1024 : whole)

        if let layout = widths.singleLine(fitting: options.width) {
            if layout.fineTuned < Int(header.fineTuned.width) { header.fineTuned = labels.cell("FINE-TUNED") }
            header.appendLine(to: &out, from: labels, layout, color: false)
            for block in rows.blocks {
                for index in block.cells.indices {
                    block.cells[index].appendLine(to: &out, from: block.arena, layout, color: options.color)
                    if out.count >= chunkSize {
                        try write(out.bytes)
                        out.bytes.removeAll(keepingCapacity: true)
                    }
                }
            }
            if out.count > 0 { try write(out.bytes) }
            return
        }
        let layout = widths.twoLine(fitting: options.width)
        header.appendFirstLine(to: &out, from: labels, layout, color: false)
        let second = out.count
        out.append("  ")
        if let account = header.account {
            out.append(account, from: labels, padRight: layout.account + gap.count)
        }
        out.append(header.cost, from: labels, padRight: layout.cost + gap.count)
        out.append("MODEL → FINE-TUNED MODEL")
        out.endLine(from: second)
        for block in rows.blocks {
            for index in block.cells.indices {
                let row = block.cells[index]
                row.appendFirstLine(to: &out, from: block.arena, layout, color: options.color)
                row.appendSecondLine(
                    to: &out, from: block.arena, width: options.width, accountWidth: layout.account,
                    costWidth: layout.cost)
                if out.count >= chunkSize {
                    try write(out.bytes)
                    out.bytes.removeAll(keepingCapacity: true)
                }
            }
        }
        if out.count > 0 { try write(out.bytes) }
    }

    /// Where a cell's text is in the arena of a table, and how wide it is (characters,
    /// as `TerminalText.width` counts them).
    /// 32-bit: 10,000 rows of ten cells each stay small.
    struct Cell {
        var start: Int32
        var count: Int32
        var width: Int32
    }

    /// Text as UTF-8 bytes, with the padding the table's columns need.
    struct TextBuffer {
        var bytes: [UInt8] = []

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        var count: Int { bytes.count }

        mutating func append(_ text: String) { TerminalText.append(text, to: &bytes) }

        mutating func spaces(_ count: Int) {
            if count > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count)) }
        }

        private func cell(from start: Int, width: Int) -> Cell {
            Cell(start: Int32(start), count: Int32(bytes.count - start), width: Int32(width))
        }

        /// `text` as `TerminalSanitizer.clean` makes it safe to print, as a cell of this
        /// arena: printable ASCII, the usual, is copied as it is in one pass.
        mutating func cleanCell(_ text: String) -> Cell {
            let start = bytes.count
            let plain: Bool? = text.utf8.withContiguousStorageIfAvailable { source in
                guard source.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return false }
                bytes.append(contentsOf: source)
                return true
            }
            if plain == true { return cell(from: start, width: bytes.count - start) }
            return cell(TerminalSanitizer.clean(text))
        }

        /// `text` as a cell of this arena.
        mutating func cell(_ text: String) -> Cell {
            let start = bytes.count
            append(text)
            return cell(from: start, width: TerminalText.width(text))
        }

        /// The ASCII text `format` appends, as a cell of this arena.
        mutating func cell(formatting format: (inout [UInt8]) -> Void) -> Cell {
            let start = bytes.count
            format(&bytes)
            return cell(from: start, width: bytes.count - start)
        }

        private static func range(_ cell: Cell) -> Range<Int> {
            Int(cell.start)..<Int(cell.start + cell.count)
        }

        /// The text of a cell of this arena.
        func text(_ cell: Cell) -> String { String(decoding: bytes[Self.range(cell)], as: UTF8.self) }

        func isDash(_ cell: Cell) -> Bool { cell.count == 1 && bytes[Int(cell.start)] == UInt8(ascii: "-") }

        /// The bytes of `cell`, a cell of `arena`.
        mutating func append(_ cell: Cell, from arena: TextBuffer) {
            arena.bytes.withUnsafeBufferPointer { all in
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: all[Self.range(cell)]))
            }
        }

        /// `cell` and the spaces that make it `width` characters wide.
        mutating func append(_ cell: Cell, from arena: TextBuffer, padRight width: Int) {
            append(cell, from: arena)
            spaces(width - Int(cell.width))
        }

        mutating func append(_ cell: Cell, from arena: TextBuffer, padLeft width: Int) {
            spaces(width - Int(cell.width))
            append(cell, from: arena)
        }

        /// `cell` cut to `width` as `TerminalText.elideEnd` cuts it; returns the width
        /// appended. ASCII (one byte a character, as a cell's width says) is cut in place.
        @discardableResult
        mutating func append(_ cell: Cell, from arena: TextBuffer, elidingEndTo width: Int) -> Int {
            guard cell.width > width else {
                append(cell, from: arena)
                return Int(cell.width)
            }
            guard cell.width == cell.count else {
                let shown = TerminalText.elideEnd(arena.text(cell), width)
                append(shown)
                return TerminalText.width(shown)
            }
            guard width > 1 else {
                append(Cell(start: cell.start, count: Int32(max(width, 0)), width: 0), from: arena)
                return max(width, 0)
            }
            append(Cell(start: cell.start, count: Int32(width - 1), width: 0), from: arena)
            appendEllipsis()
            return width
        }

        /// `cell` cut to `width` as `TerminalText.elideMiddle` cuts it.
        mutating func append(_ cell: Cell, from arena: TextBuffer, elidingMiddleTo width: Int) {
            guard cell.width > width else { return append(cell, from: arena) }
            guard cell.width == cell.count else {
                return append(TerminalText.elideMiddle(arena.text(cell), width))
            }
            guard width > 2 else {
                return append(Cell(start: cell.start, count: Int32(max(width, 0)), width: 0), from: arena)
            }
            let tail = Int32((width - 1) / 2)
            append(Cell(start: cell.start, count: Int32(width - 1) - tail, width: 0), from: arena)
            appendEllipsis()
            append(Cell(start: cell.start + cell.count - tail, count: tail, width: 0), from: arena)
        }

        /// `…` in UTF-8.
        private mutating func appendEllipsis() { bytes.append(contentsOf: [0xE2, 0x80, 0xA6] as [UInt8]) }

        /// Ends the line begun at byte `start`: padding after the last column is noise in
        /// a terminal and in tests.
        mutating func endLine(from start: Int) {
            while bytes.count > start, bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
            bytes.append(UInt8(ascii: "\n"))
        }
    }

    static func emptyHint(statusFilter: String?, accountFilter: String? = nil) -> String {
        let filtered: String? =
            switch (
                statusFilter.map { TerminalSanitizer.clean($0) },
                accountFilter.map { TerminalSanitizer.clean($0) }
            ) {
            case (let status?, let account?): "No stored job of account \(account) has status \(status)."
            case (let status?, nil): "No stored job has status \(status)."
            case (nil, let account?): "No stored job belongs to account \(account)."
            case (nil, nil): nil
            }
        if let filtered { return filtered + " Run `ftd history` to see them all.\n" }
        return """
            No jobs recorded yet. Run `ftd run --once` to poll the API once, or `ftd demo`
            to watch ftd follow jobs on the local simulator.

            """
    }

    static func cells(
        for job: JobSummary, now: Int64, prices: PriceBook = PriceBook(), account: Bool = false,
        in arena: inout TextBuffer
    ) -> Cells {
        var duration: Int64?
        if let created = job.createdAt {
            if let finished = job.finishedAt {
                duration = UnixTime.seconds(from: created, to: finished)
            } else if !JobStatus.isTerminal(job.status) {
                duration = UnixTime.seconds(from: created, to: now)
            }
        }
        // API text, made safe before it is measured and elided.
        func clean(_ text: String?) -> Cell { text.map { arena.cleanCell($0) } ?? arena.cell("-") }
        func dash(_ out: inout [UInt8]) { out.append(UInt8(ascii: "-")) }
        return Cells(
            account: account ? clean(job.account) : nil, id: clean(job.id), status: clean(job.status),
            model: clean(job.model),
            created: arena.cell { out in
                if let created = job.createdAt {
                    TerminalText.appendRelative(created, now: now, to: &out)
                } else {
                    dash(&out)
                }
            },
            duration: arena.cell { out in
                if let duration { TerminalText.appendDuration(duration, to: &out) } else { dash(&out) }
            },
            steps: arena.cell { out in
                if job.steps > 0 {
                    TerminalText.appendDecimal(Int64(job.steps), to: &out)
                } else {
                    dash(&out)
                }
            },
            loss: arena.cell { out in
                if let loss = job.lastTrainLoss {
                    TerminalText.appendLoss(loss, to: &out)
                } else {
                    dash(&out)
                }
            },
            cost: arena.cell { TerminalText.appendCost(prices.cost(of: job), to: &$0) },
            fineTuned: clean(job.fineTunedModel), statusColor: StatusStyle.sgr(for: job.status) ?? 0)
    }
}
