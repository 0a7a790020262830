import FTDModel
import Foundation

/// Splits the lines of a JSON Lines file into records, one line at a time, so that a file
/// of any size is read with one record in memory.
///
/// The mistake it looks for is a record pretty-printed over several lines. A line that is
/// not JSON by itself but opens more `{`/`[` than it closes starts a candidate record; the
/// lines after it join it until its brackets are balanced, and the whole is reported once
/// (`.spread`) instead of one error per line. A candidate that never balances (a line cut
/// short, say) is given up when a later line is a whole example by itself (unless the
/// candidate opened with `[`), after `maximumSpreadLines` lines or `maximumSpreadBytes`,
/// or at the end of the file: its first line is then reported as invalid and the lines it
/// held are read again one by one.
struct JSONLRecordSplitter {
    static let maximumSpreadLines = 5_000
    static let maximumSpreadBytes = 16 << 20

    private var lineNumber = 0
    private var blankRun: ClosedRange<Int>?
    private var candidate: Candidate?
    /// Lines up to this one were in a candidate that was given up: they do not start
    /// another, so that a broken file is read in linear time.
    private var plainThrough = 0

    private struct Candidate {
        var firstLine: Int
        var lines: [[UInt8]]
        var brackets: BracketBalance
        var bytes: Int
        /// `{`: one example; else `[`, maybe the whole file as one array, whose elements
        /// may well be whole examples each on its line.
        var isObject: Bool
    }

    /// The records that `line` (without its newline) completes.
    mutating func feed(_ line: [UInt8]) -> [JSONLRecord] {
        lineNumber += 1
        var records: [JSONLRecord] = []
        read(line, number: lineNumber, into: &records)
        return records
    }

    /// The records still open at the end of the file.
    mutating func finish() -> [JSONLRecord] {
        var records: [JSONLRecord] = []
        if let open = candidate {
            candidate = nil
            giveUp(open, into: &records)
        }
        flushBlankRun(into: &records)
        return records
    }

    private mutating func read(_ line: [UInt8], number: Int, into records: inout [JSONLRecord]) {
        if var open = candidate {
            if open.isObject, Self.isWholeExample(line) {
                candidate = nil
                giveUp(open, into: &records)
                read(line, number: number, into: &records)
                return
            }
            open.lines.append(line)
            open.bytes += line.count + 1
            open.brackets.scan(line)
            if open.brackets.isBalanced {
                candidate = nil
                records.append(Self.spread(open))
            } else if open.lines.count >= Self.maximumSpreadLines || open.bytes >= Self.maximumSpreadBytes {
                candidate = nil
                giveUp(open, into: &records)
            } else {
                candidate = open
            }
            return
        }
        if line.allSatisfy(Self.isWhitespace) {
            blankRun = (blankRun?.lowerBound ?? number)...number
            return
        }
        flushBlankRun(into: &records)
        do {
            let value = try JSONValue.parse(Data(line))
            if case .object = value {
                records.append(.object(value, line: number))
            } else {
                records.append(.notObject(kind: value.kindName, line: number))
            }
        } catch {
            var brackets = BracketBalance()
            brackets.scan(line)
            if number > plainThrough, Self.opensRecord(line), brackets.isOpen {
                candidate = Candidate(
                    firstLine: number, lines: [line], brackets: brackets, bytes: line.count + 1,
                    isObject: Self.firstByte(line) == UInt8(ascii: "{"))
            } else {
                let message = Self.locate(error.message, lineStarts: [0], firstLine: number)
                records.append(.invalid(message: "not valid JSON: \(message)", line: number))
            }
        }
    }

    private mutating func flushBlankRun(into records: inout [JSONLRecord]) {
        if let run = blankRun {
            records.append(.blank(lines: run))
            blankRun = nil
        }
    }

    private mutating func giveUp(_ open: Candidate, into records: inout [JSONLRecord]) {
        let message: String
        do {
            _ = try JSONValue.parse(Data(open.lines[0]))
            message = "not valid JSON"
        } catch {
            message =
                "not valid JSON: " + Self.locate(error.message, lineStarts: [0], firstLine: open.firstLine)
        }
        records.append(.invalid(message: message, line: open.firstLine))
        plainThrough = open.firstLine + open.lines.count - 1
        for (offset, line) in open.lines.enumerated().dropFirst() {
            read(line, number: open.firstLine + offset, into: &records)
        }
    }

    private static func spread(_ record: Candidate) -> JSONLRecord {
        let range = record.firstLine...(record.firstLine + record.lines.count - 1)
        var text: [UInt8] = []
        var lineStarts: [Int] = []
        for line in record.lines {
            lineStarts.append(text.count)
            text += line
            text.append(UInt8(ascii: "\n"))
        }
        do {
            return .spread(value: try JSONValue.parse(Data(text)), error: nil, lines: range)
        } catch {
            let message = locate(error.message, lineStarts: lineStarts, firstLine: record.firstLine)
            return .spread(value: nil, error: message, lines: range)
        }
    }

    /// A line that is a complete example by itself ends any candidate before it: the
    /// inner lines of a pretty-printed record are never objects with `messages`.
    private static func isWholeExample(_ line: [UInt8]) -> Bool {
        guard line.count > 12, let value = try? JSONValue.parse(Data(line)) else { return false }
        return value["messages"] != nil
    }

    private static func opensRecord(_ line: [UInt8]) -> Bool {
        let first = firstByte(line)
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    /// The first byte that is not whitespace, after a byte order mark.
    private static func firstByte(_ line: [UInt8]) -> UInt8? {
        let text = line.starts(with: [0xEF, 0xBB, 0xBF]) ? line.dropFirst(3) : line[...]
        return text.first { !isWhitespace($0) }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    /// The parser counts bytes from the start of its text; a person counts lines and
    /// columns (1-based, in bytes, as compilers do).
    static func locate(_ message: String, lineStarts: [Int], firstLine: Int) -> String {
        var text = message
        if let ends = text.range(of: "the text ends at byte ") {
            let digits = text[ends.upperBound...].prefix(while: \.isNumber)
            let replacement = lineStarts.count == 1 ? "the line ends" : "the record ends"
            text.replaceSubrange(ends.lowerBound..<digits.endIndex, with: replacement)
            return text
        }
        guard let at = text.range(of: "at byte ", options: .backwards) else { return text }
        let digits = text[at.upperBound...].prefix(while: \.isNumber)
        guard let offset = Int(digits) else { return text }
        let index = lineStarts.lastIndex { $0 <= offset } ?? 0
        let column = offset - lineStarts[index] + 1
        let place =
            lineStarts.count == 1 ? "at column \(column)" : "on line \(firstLine + index), column \(column)"
        text.replaceSubrange(at.lowerBound..<digits.endIndex, with: place)
        return text
    }
}
