/// How many epochs a job trains for when `n_epochs` is left to the API ("auto"), as
/// OpenAI's data-preparation cookbook computes it for cost estimates: 3 epochs, raised so
/// that the job makes at least 100 example passes and lowered so that it makes at most
/// 25,000, never fewer than 1 nor more than 25 (integer division, as in the cookbook).
///
/// The simulator's `JobScript.automaticEpochs` follows the same rule, written again there
/// (the simulator does not depend on ftd's libraries); `DefaultEpochsTests` checks they agree.
public enum DefaultEpochs {
    public static let target = 3
    public static let minimumExamplePasses = 100
    public static let maximumExamplePasses = 25_000
    public static let range = 1...25

    public static func forExamples(_ examples: Int) -> Int {
        guard examples > 0 else { return range.upperBound }
        if examples * target < minimumExamplePasses {
            return min(range.upperBound, minimumExamplePasses / examples)
        }
        if examples * target > maximumExamplePasses {
            return max(range.lowerBound, maximumExamplePasses / examples)
        }
        return target
    }

    /// The rule in words, for reports.
    public static let rule =
        "3, raised to reach 100 example passes or lowered to stay within 25,000, and between 1 and 25 (OpenAI's cookbook)"
}
