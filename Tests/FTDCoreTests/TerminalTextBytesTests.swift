import Testing

@testable import FTDModel
@testable import FTDTerminal

/// The table's byte formatters say exactly what the `String` formatters say: the table
/// uses the one, the rest of the views the other.
struct TerminalTextBytesTests {
    static func bytes(_ body: (inout [UInt8]) -> Void) -> String { TerminalText.text(body) }

    static var someDoubles: [Double] {
        var values: [Double] = [
            0, -0.0, 1, -1, 0.001, 0.00099996, 0.0012, 0.00115, 0.00125, 0.125, 2.00005, 9.99996, 10.112,
            123456.78901, 1e9, 1e9 - 0.00001, 999_999_999.99995, 1e15, 1e16, .infinity, -.infinity, .nan,
            .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.005, 0.0049999, 0.015, 1234.5, 12.346,
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let exponent = Double.random(in: -6...12, using: &generator)
            let value = Double.random(in: 1..<10, using: &generator) * pow10(exponent)
            values.append(Bool.random(using: &generator) ? value : -value)
            // Values on a rounding boundary of four decimals and of cents.
            let quarter = (Double(Int.random(in: 0..<100_000_000, using: &generator)) + 0.5) / 10_000
            values.append(quarter)
            values.append((Double(Int.random(in: 0..<10_000_000, using: &generator)) + 0.5) / 100)
        }
        return values
    }

    static func pow10(_ exponent: Double) -> Double {
        var result = 1.0
        var left = exponent
        while left >= 1 {
            result *= 10
            left -= 1
        }
        while left <= -1 {
            result /= 10
            left += 1
        }
        return result
    }

    @Test func lossesAreTheSame() {
        for value in Self.someDoubles {
            #expect(
                Self.bytes { TerminalText.appendLoss(value, to: &$0) } == TerminalText.loss(value), "\(value)"
            )
        }
    }

    @Test func dollarsAreTheSame() {
        for value in Self.someDoubles {
            #expect(
                Self.bytes { TerminalText.appendDollars(value, to: &$0) } == TerminalText.dollars(value),
                "\(value)")
        }
        #expect(Self.bytes { TerminalText.appendCost(nil, to: &$0) } == TerminalText.cost(nil))
        let estimate = JobCost(usd: 1.2, isEstimate: true)
        #expect(Self.bytes { TerminalText.appendCost(estimate, to: &$0) } == TerminalText.cost(estimate))
    }

    @Test func integersAreTheSame() {
        var values: [Int64] = [
            0, 1, -1, 9, 10, 59, 60, 999, 1000, 3599, 3600, 86_399, 86_400, 604_799, 604_800,
        ]
        values += [.max, .min, .max - 1, .min + 1, 1_000_000, -1_000_000, 123_456_789]
        for _ in 0..<20_000 { values.append(Int64.random(in: -10_000_000_000...10_000_000_000)) }
        let now: Int64 = 1_715_566_184
        for value in values {
            #expect(Self.bytes { TerminalText.appendGrouped(value, to: &$0) } == TerminalText.grouped(value))
            #expect(
                Self.bytes { TerminalText.appendDuration(value, to: &$0) } == TerminalText.duration(value))
            #expect(
                Self.bytes { TerminalText.appendRelative(now &- value, now: now, to: &$0) }
                    == TerminalText.relative(now &- value, now: now), "\(value)")
            #expect(
                Self.bytes { TerminalText.appendRelative(value, now: now, to: &$0) }
                    == TerminalText.relative(value, now: now), "\(value)")
            for width in [0, 2, 4] {
                #expect(
                    Self.bytes { TerminalText.appendZeroPadded(value, width, to: &$0) }
                        == TerminalText.zeroPadded(value, width))
            }
        }
    }

    /// A curve read in order counts its distinct steps as `init(_:)` does.
    @Test func aCurveCountsItsSteps() {
        let steps = [1, 2, 2, 5, 9].map {
            LossStep(jobID: "j", step: $0, totalSteps: 9, trainLoss: Double($0))
        }
        var appended = LossCurve()
        for step in steps {
            appended.append(
                step: step.step, totalSteps: step.totalSteps, trainLoss: step.trainLoss, validLoss: nil)
        }
        let whole = LossCurve(steps)
        #expect(appended == whole)
        #expect(whole.distinctSteps == 4 && !whole.ascending && whole.count == 5)
        #expect(whole.final?.step == 9 && whole.firstStep == 1 && whole.lastStep == 9)
        let shuffled = LossCurve([steps[3], steps[0], steps[4], steps[1], steps[2]])
        #expect(shuffled.distinctSteps == 4 && shuffled.final?.step == 2)
    }
}
