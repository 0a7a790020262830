import Synchronization

/// Shared between the reader tasks, the timeout watchdog and the runner: the captured
/// output, the child's process group and whether the timeout fired.
final class HookOutputCapture: Sendable {
    enum Stream { case stdout, stderr }

    private struct State {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var discarded = 0
        var processGroup: Int32?
        var timedOut = false
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    /// Keeps the first `limit` bytes of each stream; the caller still reads the rest so
    /// the child never blocks on a full pipe.
    func append(_ bytes: UnsafeRawBufferPointer, to stream: Stream) {
        state.withLock { state in
            let kept = stream == .stdout ? state.stdout.count : state.stderr.count
            let room = max(0, limit - kept)
            let take = min(room, bytes.count)
            if take > 0 {
                let slice = bytes.prefix(take)
                if stream == .stdout {
                    state.stdout.append(contentsOf: slice)
                } else {
                    state.stderr.append(contentsOf: slice)
                }
            }
            state.discarded += bytes.count - take
        }
    }

    /// Records the child's process group. Returns true when the timeout already fired
    /// before the child was known, so the caller must kill it at once.
    func started(processGroup: Int32) -> Bool {
        state.withLock { state in
            state.processGroup = processGroup
            return state.timedOut
        }
    }

    /// Marks the run as timed out; returns the process group to signal, if known yet.
    func markTimedOut() -> Int32? {
        state.withLock { state in
            state.timedOut = true
            return state.processGroup
        }
    }

    var timedOut: Bool { state.withLock { $0.timedOut } }
    var processGroup: Int32? { state.withLock { $0.processGroup } }
    var discardedBytes: Int { state.withLock { $0.discarded } }
    var stdout: String { state.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    var stderr: String { state.withLock { String(decoding: $0.stderr, as: UTF8.self) } }
}
