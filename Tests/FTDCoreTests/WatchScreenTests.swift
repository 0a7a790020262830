import Foundation
import Testing

@testable import FTDTerminal

/// `ftd watch` on a TTY: stdout and stderr share the screen, and a line written to stderr
/// between two redraws must not leave a torn copy of the live block behind.
struct WatchScreenTests {
    /// Just enough of a terminal for the redraw: text, newlines, `ESC[nF` (up n lines, to
    /// column 0) and `ESC[J` (clear to the end of the screen). The screen never scrolls
    /// away: every line ever written stays in `lines`.
    struct Terminal {
        var lines: [String] = [""]
        var row = 0

        mutating func apply(_ writes: [WatchScreen.Write]) {
            for write in writes {
                switch write {
                case .stdout(let text), .stderr(let text): type(text)
                }
            }
        }

        private mutating func type(_ text: String) {
            var rest = Substring(text)
            while let character = rest.first {
                if character == "\u{1B}", let end = rest.firstIndex(where: { $0 == "F" || $0 == "J" }) {
                    let argument = rest[rest.index(rest.startIndex, offsetBy: 2)..<end]
                    if rest[end] == "F" {
                        row = max(0, row - (Int(argument) ?? 1))
                        column = 0
                    } else {
                        lines[row] = String(lines[row].prefix(column))
                        lines.removeSubrange((row + 1)...)
                    }
                    rest = rest[rest.index(after: end)...]
                    continue
                }
                if character == "\n" {
                    row += 1
                    column = 0
                    if row == lines.count { lines.append("") }
                } else {
                    var line = Array(lines[row])
                    if column < line.count { line[column] = character } else { line.append(character) }
                    lines[row] = String(line)
                    column += 1
                }
                rest = rest.dropFirst()
            }
        }

        private var column = 0

        /// What a person sees, without the empty line under the cursor.
        var screen: [String] { lines.last == "" ? Array(lines.dropLast()) : lines }
    }

    static func frame(step: Int) -> WatchView.Frame {
        WatchViewTests.frame(status: "running", steps: step)
    }

    @Test func aWarningBetweenTwoRedrawsGoesAboveTheBlock() {
        var screen = WatchScreen(tty: true)
        var terminal = Terminal()
        terminal.apply(screen.show(Self.frame(step: 30), width: 80, color: false))
        let first = terminal.screen
        terminal.apply(screen.note("ftd: request failed, retrying\n"))
        // The block is still whole, under the warning.
        #expect(terminal.screen == ["ftd: request failed, retrying"] + first)
        terminal.apply(screen.note("ftd: request failed, retrying\n"))
        terminal.apply(screen.show(Self.frame(step: 60), width: 80, color: false))
        let second = WatchView.screen(Self.frame(step: 60), width: 80, color: false)
        #expect(
            terminal.screen == ["ftd: request failed, retrying", "ftd: request failed, retrying"] + second)
        #expect(terminal.screen.filter { $0.hasPrefix("ftjob-w") }.count == 1)
    }

    @Test func redrawsAloneReplaceTheBlock() {
        var screen = WatchScreen(tty: true)
        var terminal = Terminal()
        for step in [10, 20, 30, 40] {
            terminal.apply(screen.show(Self.frame(step: step), width: 80, color: false))
        }
        #expect(terminal.screen == WatchView.screen(Self.frame(step: 40), width: 80, color: false))
    }

    @Test func beforeTheFirstFrameAndOffATTYALineIsJustWritten() {
        var screen = WatchScreen(tty: true)
        #expect(screen.note("ftd: early\n") == [.stderr("ftd: early\n")])
        var plain = WatchScreen(tty: false)
        _ = plain.show(Self.frame(step: 10), width: 80, color: false)
        #expect(plain.note("ftd: later\n") == [.stderr("ftd: later\n")])
        #expect(!plain.show(Self.frame(step: 50), width: 80, color: false).isEmpty)
    }
}
