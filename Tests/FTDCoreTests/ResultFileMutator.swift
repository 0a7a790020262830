import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

struct ResultFileMutator {
    var hugeBytes: Int

    struct Mutated {
        var kind: String
        var data: Data
        /// The steps the file must give, when the mutation implies them.
        var expected: [LossStep]?
    }

    static let cells = [
        "", " ", "-1", "-1.0", "NaN", "nan", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e-400", "0x1p3",
        "1_0", " 7 ", "\u{FF17}", "1.5", "-0", "9e15", "1e16", "abc", "\"3\"", "4.", ".5", "+2", "1e15",
        "2.0",
    ]

    /// `rows` are the data rows of the fixture, without line breaks.
    func mutate(header: String, rows: [String], baseline: [LossStep], _ random: inout SplitMix64) -> Mutated {
        func read(_ bytes: [UInt8]) -> [LossStep] {
            ResultFileParser.steps(jobID: FuzzFixture.jobID, data: Data(bytes))
        }
        func file(_ header: String, _ rows: [[UInt8]], separator: String = "\n") -> [UInt8] {
            Array(([Array(header.utf8)] + rows).joined(separator: Array(separator.utf8)))
        }
        var rows = rows.map { Array($0.utf8) }
        let row = random.below(rows.count)
        switch random.below(12) {
        case 0...4:
            // One row changes: every other row reads as before, since rows are independent.
            let (kind, edited) = edit(rows[row], &random)
            rows[row] = edited
            let expected = rows.flatMap { read(file(header, [$0])) }
            return Mutated(
                kind: "\(kind) in row \(row + 1)", data: Data(file(header, rows)), expected: expected)
        case 5:
            // Columns are found by their header, so their order does not matter.
            var order = Array(0..<5)
            for index in order.indices.reversed() { order.swapAt(index, random.below(index + 1)) }
            func permuted(_ line: [UInt8]) -> [UInt8] {
                let cells = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
                return Array(order.map { Array(cells[$0]) }.joined(separator: [UInt8(ascii: ",")]))
            }
            let text = file(String(decoding: permuted(Array(header.utf8)), as: UTF8.self), rows.map(permuted))
            return Mutated(kind: "columns \(order)", data: Data(text), expected: baseline)
        case 6:
            let extra = rows.map { $0 + Array(("," + random.pick(Self.cells)).utf8) }
            let text = file(header.uppercased() + ",extra_column", extra)
            return Mutated(kind: "header case and an extra column", data: Data(text), expected: baseline)
        case 7:
            let text = file(header.replacingOccurrences(of: "step", with: "stage"), rows)
            return Mutated(kind: "no step column", data: Data(text), expected: [])
        case 8:
            // Served base64-encoded (with MIME line breaks, sometimes), a file reads the same.
            let (kind, edited) = edit(rows[row], &random)
            rows[row] = edited
            let text = file(header, rows, separator: random.pick(["\n", "\r\n"]))
            let options: Data.Base64EncodingOptions = random.percent(50) ? [.lineLength76Characters] : []
            return Mutated(
                kind: "base64, \(kind) in row \(row + 1)",
                data: Data(text).base64EncodedData(options: options),
                expected: read(text))
        case 9:
            let text = [0xEF, 0xBB, 0xBF] + file(header, rows)
            return Mutated(kind: "byte order mark", data: Data(text), expected: baseline)
        case 10:
            var bytes = file(header, rows)
            for _ in 0...random.below(4) { bytes[random.below(bytes.count)] = random.byte() }
            return Mutated(kind: "random bytes", data: Data(bytes), expected: nil)
        default:
            let bytes = (0..<random.below(300)).map { _ in random.byte() }
            return Mutated(kind: "garbage", data: Data(bytes), expected: nil)
        }
    }

    /// One row, changed: an odd cell, a cell more or less, bytes that are not UTF-8 or
    /// are control characters, a huge cell, the row dropped or doubled, a line break.
    private func edit(_ row: [UInt8], _ random: inout SplitMix64) -> (kind: String, row: [UInt8]) {
        var cells = row.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(Array.init)
        func joined() -> [UInt8] { Array(cells.joined(separator: [UInt8(ascii: ",")])) }
        switch random.below(6) {
        case 0:
            cells[random.below(cells.count)] = Array(random.pick(Self.cells).utf8)
            return ("edge cell", joined())
        case 1:
            if random.percent(50) {
                cells.append(Array(random.pick(Self.cells).utf8))
            } else {
                cells.removeLast()
            }
            return ("cell count", joined())
        case 2:
            var bytes = row
            let odd: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0x00], [0x0D], [0x1B], [0xE2, 0x80, 0xA8], [0xC3]]
            let inserted = random.pick(odd)
            bytes.insert(contentsOf: inserted, at: random.below(bytes.count + 1))
            return ("odd bytes", bytes)
        case 3:
            // A cell of 16 KiB commas is a row of 16,384 cells; more only slows the run.
            let length = random.pick([64, 1_000, min(max(hugeBytes / 4, 1), 16_384)])
            cells[random.below(cells.count)] = Array(
                String(repeating: random.pick(["1", ",", "9."]), count: length).utf8)
            return ("huge cell", joined())
        case 4:
            return ("row dropped or doubled", random.percent(50) ? [] : row + [UInt8(ascii: "\n")] + row)
        default:
            return ("line break", row + Array(random.pick(["\r", "\n\n", " ", "\u{2028}", "\u{301}"]).utf8))
        }
    }
}
