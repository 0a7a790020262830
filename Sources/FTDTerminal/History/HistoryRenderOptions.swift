import FTDModel

/// How a history view is drawn: the views are pure functions of the data and these.
public struct HistoryRenderOptions: Sendable, Equatable {
    /// ANSI colours, for a terminal that wants them.
    public var color: Bool
    /// Columns available; every line fits in it.
    public var width: Int
    /// Unix seconds taken as the present, for relative times and running durations.
    public var now: Int64
    /// How a job's cost is worked out (the configuration's `priceBook`); by default
    /// OpenAI's list prices alone.
    public var prices: PriceBook

    public init(color: Bool = false, width: Int = 80, now: Int64, prices: PriceBook = PriceBook()) {
        self.color = color
        self.width = width
        self.now = now
        self.prices = prices
    }
}
