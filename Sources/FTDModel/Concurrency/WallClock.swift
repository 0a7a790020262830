import Foundation

package enum WallClock {
    /// Wall-clock unix seconds.
    package static func unixTime() -> Double { Date().timeIntervalSince1970 }
    /// Wall-clock unix seconds, whole, as the API's times are.
    @Sendable package static func unixSeconds() -> Int64 { Int64(unixTime()) }
}
