import Foundation

enum Clock {
    /// Wall-clock unix seconds.
    static func unixTime() -> Double { Date().timeIntervalSince1970 }
}
