import Synchronization

/// A `Mutex` that structs can share: a reference, so copies of a service see one value.
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) { mutex = Mutex(value) }

    public func withLock<Result: Sendable>(_ body: (inout sending Value) throws -> sending Result) rethrows
        -> sending Result
    {
        try mutex.withLock(body)
    }
}
