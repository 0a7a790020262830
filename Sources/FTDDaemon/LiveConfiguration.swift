import FTDConfig
import FTDEngine
import Synchronization

/// The daemon's running configuration and what is built from it, swapped whole by a
/// reload (SIGHUP). A cycle or a drain takes one snapshot when it starts and keeps it to
/// its end, so a reload never changes the rules halfway through either.
public final class LiveConfiguration: Sendable {
    public struct Snapshot: Sendable {
        public var configuration: Configuration
        /// One cycle per account, in the configuration's order.
        public var cycles: [PollCycle]
        public var dispatcher: HookDispatcher

        public init(configuration: Configuration, cycles: [PollCycle], dispatcher: HookDispatcher) {
            self.configuration = configuration
            self.cycles = cycles
            self.dispatcher = dispatcher
        }

        /// One account's configuration (a test's, or a command's).
        public init(configuration: Configuration, cycle: PollCycle, dispatcher: HookDispatcher) {
            self.init(configuration: configuration, cycles: [cycle], dispatcher: dispatcher)
        }

        /// The first account's cycle.
        public var cycle: PollCycle { cycles[0] }

        /// The cycle of `account`; nil once a reload removed it.
        public func cycle(of account: String) -> PollCycle? { cycles.first { $0.account == account } }
    }

    private let state: Mutex<Snapshot>

    public init(_ snapshot: Snapshot) { state = Mutex(snapshot) }

    public var current: Snapshot { state.withLock { $0 } }

    public func replace(with snapshot: Snapshot) { state.withLock { $0 = snapshot } }
}
