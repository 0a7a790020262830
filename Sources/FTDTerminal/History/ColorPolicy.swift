/// Whether terminal output may use ANSI colour: only on a terminal, never when
/// `NO_COLOR` is set to anything non-empty (https://no-color.org) or `TERM=dumb`.
public enum ColorPolicy {
    public static func allowsColor(isTTY: Bool, environment: [String: String]) -> Bool {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isTTY
    }
}
