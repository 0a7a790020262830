import Foundation

/// What the terminal on stdout can show.
enum Terminal {
    /// Colour only on a TTY, and never when `NO_COLOR` is set (https://no-color.org) or
    /// `TERM=dumb`.
    static var stdoutSupportsColor: Bool {
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(STDOUT_FILENO) == 1
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
}
