import FTDTerminal
import Foundation

/// What the terminal on stdout can show.
enum Terminal {
    /// See `ColorPolicy`.
    static var stdoutSupportsColor: Bool {
        ColorPolicy.allowsColor(isTTY: stdoutIsTTY, environment: ProcessInfo.processInfo.environment)
    }

    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Columns of the terminal on stdout; `$COLUMNS`, else 80 when not a terminal.
    static var width: Int {
        var size = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 20 {
            return columns
        }
        return 80
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// The bytes as they are, without a copy: a table of 10,000 jobs is megabytes.
    static func write(_ bytes: [UInt8]) throws {
        try FileHandle.standardOutput.write(contentsOf: bytes)
    }
}
