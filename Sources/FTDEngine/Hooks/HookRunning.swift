import FTDConfig
import FTDStore
import Foundation

/// Runs one attempt of a hook. `HookRunner` is the real one.
public protocol HookRunning: Sendable {
    func run(_ hook: HookSettings, environment: [String: String], stdin: Data) async -> HookRunResult
}

extension HookRunner: HookRunning {}
