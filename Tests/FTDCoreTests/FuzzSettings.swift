import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

/// SplitMix64 (Steele, Lea and Flood, 2014): a fixed algorithm, so a seed names the same
/// cases on every machine and toolchain, which neither the system generator nor the
/// standard library's `random(in:using:)` promises.
typealias SplitMix64 = SeededGenerator

extension SeededGenerator {
    /// A number in `0..<bound` (the modulo bias is far below anything a test could notice).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    mutating func percent(_ chance: Int) -> Bool { below(100) < chance }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}

struct FuzzSettings {
    static let defaultSeeds: [UInt64] = [1, 2, 3, 4_093, 1_592_389_645, 20_250_601]

    var cases = 2_000
    var seeds = defaultSeeds
    var hugeBytes = 16_384

    static var current: FuzzSettings {
        let environment = ProcessInfo.processInfo.environment
        var settings = FuzzSettings()
        if let cases = environment["FTD_FUZZ_CASES"].flatMap({ Int($0) }), cases > 0 {
            settings.cases = cases
        }
        if let seed = environment["FTD_FUZZ_SEED"].flatMap({ UInt64($0) }) { settings.seeds = [seed] }
        if let bytes = environment["FTD_FUZZ_HUGE_BYTES"].flatMap({ Int($0) }), bytes > 0 {
            settings.hugeBytes = bytes
        }
        return settings
    }

    /// Cases per seed for about `total` cases in all.
    func perSeed(_ total: Int) -> Int { max(1, (total + seeds.count - 1) / seeds.count) }
}
