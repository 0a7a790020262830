import FTDDaemon
import Testing

@Suite(.timeLimit(.minutes(1))) struct CycleTimerTests {
    actor Counter {
        var value = 0
        func increment() { value += 1 }
    }

    @Test func ticksAtOnceThenEveryInterval() async {
        let timer = CycleTimer(interval: .milliseconds(20))
        defer { timer.cancel() }
        var ticks = 0
        for await _ in timer.ticks {
            ticks += 1
            if ticks == 3 { break }
        }
        #expect(ticks == 3)
    }

    @Test func rescheduleMovesTheNextTickAway() async throws {
        let timer = CycleTimer(interval: .milliseconds(5))
        var iterator = timer.ticks.makeAsyncIterator()
        _ = await iterator.next()
        timer.reschedule(every: .seconds(3600))
        let counter = Counter()
        let consumer = Task {
            for await _ in timer.ticks { await counter.increment() }
        }
        try await Task.sleep(for: .milliseconds(300))
        timer.cancel()
        await consumer.value
        // At 5 ms there would be dozens; at most one tick buffered before the change.
        #expect(await counter.value <= 1)
    }

    @Test func cancellingEndsTheStream() async {
        let timer = CycleTimer(interval: .seconds(3600))
        var iterator = timer.ticks.makeAsyncIterator()
        _ = await iterator.next()  // the immediate first tick
        timer.cancel()
        #expect(await iterator.next() == nil)
    }
}
