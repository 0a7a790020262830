/// How a history view is drawn: the views are pure functions of the data and these.
public struct HistoryRenderOptions: Sendable, Equatable {
    /// ANSI colours, for a terminal that wants them.
    public var color: Bool
    /// Columns available; every line fits in it.
    public var width: Int
    /// Unix seconds taken as the present, for relative times and running durations.
    public var now: Int64

    public init(color: Bool = false, width: Int = 80, now: Int64) {
        self.color = color
        self.width = width
        self.now = now
    }
}
