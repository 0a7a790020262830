/// What `ftd watch` writes, and where, so that a TTY keeps one live block at its bottom.
///
/// On a TTY the block is redrawn in place: the cursor goes up the block's lines and the
/// screen is cleared below it. Anything else written to the terminal meanwhile (a
/// warning, a log line about a retry) would shift the block, and the next redraw would go
/// up too few lines and leave a torn copy behind. So every such line comes here: the block
/// is erased, the line written where the block was, and the block drawn again below it.
/// Pure: it returns the writes; the caller performs them in order.
public struct WatchScreen: Sendable {
    public enum Write: Sendable, Equatable {
        case stdout(String)
        case stderr(String)
    }

    public let tty: Bool
    /// The block now on the screen (TTY only).
    private var block: [String] = []
    private var previous: WatchView.Frame?

    public init(tty: Bool) { self.tty = tty }

    /// A new look at the job: the redrawn block on a TTY, else the plain lines that are new.
    public mutating func show(_ frame: WatchView.Frame, width: Int, color: Bool) -> [Write] {
        defer { previous = frame }
        guard tty else {
            let lines = WatchView.plainLines(frame, previous: previous)
            return lines.isEmpty ? [] : [.stdout(lines.joined(separator: "\n") + "\n")]
        }
        let erase = erasing()
        block = WatchView.screen(frame, width: width, color: color)
        return [.stdout(erase + drawing())]
    }

    /// A line for stderr (newline included), written above the block.
    public mutating func note(_ line: String) -> [Write] {
        guard tty, !block.isEmpty else { return [.stderr(line)] }
        return [.stdout(erasing()), .stderr(line), .stdout(drawing())]
    }

    /// Up to the block's first line, and clear to the end of the screen.
    private func erasing() -> String {
        block.isEmpty ? "" : "\u{1B}[\(block.count)F\u{1B}[J"
    }

    private func drawing() -> String {
        block.joined(separator: "\n") + "\n"
    }
}
