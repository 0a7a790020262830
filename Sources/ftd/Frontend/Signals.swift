import Foundation

enum Signals {
    /// A parent that spawned ftd from a thread with signals blocked (Foundation's
    /// `Process` on Linux does, from Dispatch and Swift-concurrency threads) leaves them
    /// blocked in ftd too, and SIGTERM would then never stop the daemon. Start clean.
    static func unblockAll() {
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
    }
}
