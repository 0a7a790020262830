/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny deterministic generator, so ids,
/// seeds and loss noise are the same on every run of the same scenario, on every machine
/// and toolchain. Public so that seeded tests (fuzzing, random faults, crash points)
/// replay from a seed with the same algorithm.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// Random-looking alphanumerics, the style of real `ftjob-…`/`file-…` ids.
    mutating func alphanumeric(_ count: Int) -> String {
        String((0..<count).map { _ in Self.alphabet[Int(next() % UInt64(Self.alphabet.count))] })
    }

    /// Random-looking lowercase hex digits, the style of Azure's `ftjob-…` ids.
    mutating func hex(_ count: Int) -> String {
        String((0..<count).map { _ in Self.hexDigits[Int(next() % 16)] })
    }

    private static let hexDigits = Array("0123456789abcdef")

    /// A generator derived from a job seed and a purpose, so that each id family of a job is stable.
    static func derived(from seed: UInt64, purpose: UInt64) -> SeededGenerator {
        var generator = SeededGenerator(seed: seed ^ (purpose &* 0xD6E8_FEB8_6659_FD93))
        _ = generator.next()
        return generator
    }
}
