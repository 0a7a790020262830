/// What a job cost in US dollars: its trained tokens at its base model's training price,
/// or, before it finishes, the tokens `ftd submit` estimated (SPEC section 10).
public struct JobCost: Sendable, Equatable {
    /// US dollars, unrounded: sums are rounded once, at the end.
    public var usd: Double
    /// True when the tokens are `ftd submit`'s estimate, not the API's `trained_tokens`.
    public var isEstimate: Bool

    public init(usd: Double, isEstimate: Bool = false) {
        self.usd = usd
        self.isEstimate = isEstimate
    }

    /// Dollars rounded to 6 decimals (a millionth of a dollar): what JSON prints. The
    /// product itself carries float noise (`1234567 × 3 / 1e6` is not exactly 3.703701).
    public static func rounded(_ usd: Double) -> Double { (usd * 1_000_000).rounded() / 1_000_000 }

    /// `usd` rounded to 6 decimals.
    public var roundedUSD: Double { Self.rounded(usd) }
}
