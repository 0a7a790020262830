import FTDConfig
import FTDEngine
import Synchronization

/// The daemon's running configuration and what is built from it, swapped whole by a
/// reload (SIGHUP). A cycle or a drain takes one snapshot when it starts and keeps it to
/// its end, so a reload never changes the rules halfway through either.
public final class LiveConfiguration: Sendable {
    public struct Snapshot: Sendable {
        public var configuration: Configuration
        public var cycle: PollCycle
        public var dispatcher: HookDispatcher

        public init(configuration: Configuration, cycle: PollCycle, dispatcher: HookDispatcher) {
            self.configuration = configuration
            self.cycle = cycle
            self.dispatcher = dispatcher
        }
    }

    private let state: Mutex<Snapshot>

    public init(_ snapshot: Snapshot) { state = Mutex(snapshot) }

    public var current: Snapshot { state.withLock { $0 } }

    public func replace(with snapshot: Snapshot) { state.withLock { $0 = snapshot } }
}
