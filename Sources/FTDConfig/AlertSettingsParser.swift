import FTDModel

/// `[alerts]` (SPEC section 10): every threshold can be set; 0 turns that alert off.
enum AlertSettingsParser {
    static let keys = ["queued_after", "stalled_after", "diverge_ratio", "overfit_patience"]

    static func thresholds(_ node: ConfigNode) throws(ConfigurationError) -> AlertThresholds {
        let table = try ConfigTableReader(path: "alerts", node: node, allowed: keys)
        var alerts = AlertThresholds()
        let seconds = "expected a whole number of seconds, 0 to turn the alert off"
        if let value = try table.wholeNumber("queued_after", minimum: 0, expected: seconds) {
            alerts.queuedAfter = value
        }
        if let value = try table.wholeNumber("stalled_after", minimum: 0, expected: seconds) {
            alerts.stalledAfter = value
        }
        // A ratio of 1 or less would fire on the first step above the minimum: noise.
        if let value = try table.number(
            "diverge_ratio", expected: "expected a number above 1 (like 2.0), or 0 to turn the alert off",
            accepts: { $0 == 0 || $0 > 1 })
        {
            alerts.divergeRatio = value
        }
        if let value = try table.wholeNumber(
            "overfit_patience", minimum: 0,
            expected: "expected a whole number of validation losses, 0 to turn the alert off")
        {
            alerts.overfitPatience = value
        }
        return alerts
    }
}
