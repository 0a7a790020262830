import Foundation
import Testing

@testable import FTDTrainingFile

@Suite struct JSONLRecordSplitterTests {
    static func records(_ text: String) -> [JSONLRecord] {
        var splitter = JSONLRecordSplitter()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines.flatMap { splitter.feed($0) } + splitter.finish()
    }

    static let line =
        #"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}"#
    static let pretty = """
        {
          "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello"}
          ]
        }
        """

    @Test func aPrettyPrintedRecordIsOneRecordWithItsLines() {
        let records = Self.records(Self.line + "\n" + Self.pretty + "\n" + Self.line + "\n")
        #expect(records.count == 3)
        guard case .spread(let value?, nil, let lines) = records[1] else {
            Issue.record("\(records[1])")
            return
        }
        #expect(lines == 2...7)
        #expect(value["messages"]?.arrayValue?.count == 2)
        guard case .object(_, line: 8) = records[2] else {
            Issue.record("\(records[2])")
            return
        }
    }

    @Test func aSpreadRecordThatIsNotJSONSaysWhere() {
        let broken = Self.pretty.replacingOccurrences(of: #""Hi"},"#, with: #""Hi"}"#)
        let records = Self.records(broken + "\n")
        guard case .spread(nil, let error?, let lines) = records.first else {
            Issue.record("\(records)")
            return
        }
        #expect(lines == 1...6)
        #expect(error.contains("on line 4, column"), "\(error)")
    }

    @Test func aLineCutShortIsOneInvalidLineNotTheRestOfTheFile() {
        let cut = String(Self.line.dropLast(3))
        let records = Self.records([Self.line, cut, Self.line, Self.line].joined(separator: "\n") + "\n")
        #expect(records.count == 4)
        guard case .invalid(let message, line: 2) = records[1] else {
            Issue.record("\(records)")
            return
        }
        #expect(message.contains("the line ends inside an object"), "\(message)")
        #expect(records.filter { if case .object = $0 { true } else { false } }.count == 3)
    }

    @Test func anUnclosedRecordAtTheEndIsGivenUpAndItsLinesReadOneByOne() {
        let records = Self.records("{\n\"messages\": [\n")
        #expect(records.count == 2)
        guard case .invalid(_, line: 1) = records[0], case .invalid(_, line: 2) = records[1] else {
            Issue.record("\(records)")
            return
        }
    }

    @Test func blankLinesAreRunsAndTheFinalNewlineIsNotOne() {
        let records = Self.records(Self.line + "\n\n  \n" + Self.line + "\n\r\n")
        #expect(records.count == 4)
        #expect(records[1] == .blank(lines: 2...3))
        #expect(records[3] == .blank(lines: 5...5))
        #expect(Self.records(Self.line + "\n").count == 1)
    }

    @Test func aLineThatIsNotAnObjectIsNamedByWhatItIs() {
        #expect(Self.records("[1, 2]\n") == [.notObject(kind: "an array", line: 1)])
        #expect(Self.records("\"x\"\n") == [.notObject(kind: "a string", line: 1)])
    }

    @Test func anInvalidLineGivesItsColumn() {
        guard case .invalid(let message, line: 1) = Self.records(#"{"messages": [}"#).first else {
            Issue.record("not invalid")
            return
        }
        #expect(message.hasPrefix("not valid JSON: unexpected character '}'"))
        #expect(message.hasSuffix("at column 15"), "\(message)")
    }

    @Test func aWholeFileArrayIsOneSpreadArray() {
        let records = Self.records("[\n" + Self.line + ",\n" + Self.line + "\n]\n")
        guard case .spread(.array(let items)?, nil, 1...4) = records.first else {
            Issue.record("\(records)")
            return
        }
        #expect(items.count == 2)
    }

    @Test func bracketsInsideStringsDoNotCount() {
        var balance = BracketBalance()
        balance.scan(Array(#"{"a": "{[\"", "b": ["#.utf8))
        #expect(balance.depth == 2)
        balance.scan(Array("]}".utf8))
        #expect(balance.isBalanced)
    }
}
