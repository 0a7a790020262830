import Foundation

package enum WallClock {
    /// Wall-clock unix seconds.
    package static func unixTime() -> Double { Date().timeIntervalSince1970 }
}
