import FTDModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Hands out the instants a process stamps its observations with. Each is later than the
/// one before, even when the source repeats itself (a coarse clock, a test's fixed
/// second) or steps back (the wall clock set back): a later look of this process is never
/// taken for an older one, and never ties with one. Across processes the wall clock in
/// nanoseconds orders them; an exact tie keeps the stored row (`record(cycle:)`).
///
/// A reference: the copies of a `PollCycle` and everything else a process records share
/// one sequence.
public final class ObservationClock: Sendable {
    private let source: @Sendable () -> Int64
    private let last = Locked<Int64>(.min)

    /// - Parameter source: nanoseconds since 1970.
    public init(nanoseconds source: @escaping @Sendable () -> Int64) {
        self.source = source
    }

    /// A clock that knows only whole seconds (tests pin it to one): its instants fall in
    /// that second, each a nanosecond after the one before.
    public convenience init(unixSeconds source: @escaping @Sendable () -> Int64) {
        self.init(nanoseconds: { ObservedInstant(unixSeconds: source()).nanoseconds })
    }

    /// The wall clock: one for the whole process.
    public static let system = ObservationClock(nanoseconds: ObservationClock.wallClockNanoseconds)

    public func now() -> ObservedInstant {
        let reading = source()
        return ObservedInstant(
            nanoseconds: last.withLock { last in
                last = max(reading, last &+ 1)
                return last
            })
    }

    @Sendable public static func wallClockNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
