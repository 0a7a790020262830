import Foundation

/// How simulated time passes.
public enum SimulatorClockMode: Sendable, Equatable {
    /// Simulated time = start wall time + elapsed wall time × `SimulatorConfiguration.speed`.
    case scaled
    /// Time stands still at `start` (unix seconds) until it is advanced explicitly.
    case manual(start: Int64)
}

/// Simulated unix time, in seconds (fractional, so 2.5 s steps stay exact).
struct SimulatorClock: Sendable {
    let mode: SimulatorClockMode
    let speed: Double
    /// Simulated time when the clock was made.
    let origin: Double
    private let wallStart: ContinuousClock.Instant
    private var advanced: Double = 0

    init(mode: SimulatorClockMode, speed: Double, wallStart: ContinuousClock.Instant = .now) {
        self.mode = mode
        self.speed = speed
        self.wallStart = wallStart
        switch mode {
        case .scaled: self.origin = Date().timeIntervalSince1970.rounded(.down)
        case .manual(let start): self.origin = Double(start)
        }
    }

    func now(at instant: ContinuousClock.Instant = .now) -> Double {
        switch mode {
        case .manual:
            return origin + advanced
        case .scaled:
            let elapsed = wallStart.duration(to: instant)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            return origin + advanced + seconds * speed
        }
    }

    /// Moves time forward; meant for the manual clock, harmless on the scaled one.
    mutating func advance(by seconds: Double) {
        advanced += max(0, seconds)
    }
}
