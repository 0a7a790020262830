import Testing

@testable import FTDWeb

/// A repeated `webhook-id` is answered 200 and ignored (SPEC section 9), with bounded memory.
struct WebhookReplayGuardTests {
    @Test func aRepeatWithinTheWindowIsNotNew() {
        let guardian = Box(window: 600, capacity: 100)
        #expect(guardian.first("wh_1", now: 1_000))
        #expect(!guardian.first("wh_1", now: 1_000))
        #expect(!guardian.first("wh_1", now: 1_599))
        #expect(guardian.first("wh_2", now: 1_599))
        #expect(guardian.value.count == 2)
    }

    @Test func theWindowIsTwiceTheTolerance() {
        #expect(WebhookReplayGuard().window == 600)
        #expect(WebhookReplayGuard().window == 2 * WebhookVerifier.defaultTolerance)
    }

    @Test func anIdIsForgottenWhenItsWindowHasPassed() {
        let guardian = Box(window: 600, capacity: 100)
        #expect(guardian.first("wh_1", now: 1_000))
        #expect(guardian.first("wh_2", now: 1_300))
        // A repeat does not extend the time it is kept.
        #expect(!guardian.first("wh_1", now: 1_500))
        #expect(guardian.first("wh_1", now: 1_600))
        #expect(!guardian.first("wh_2", now: 1_600))
        #expect(guardian.first("wh_3", now: 10_000))
        #expect(guardian.value.count == 1)
    }

    @Test func memoryIsBoundedAndTheOldestGoesFirst() {
        let guardian = Box(window: 600, capacity: 3)
        for id in ["a", "b", "c", "d"] { #expect(guardian.first(id, now: 1_000)) }
        #expect(guardian.value.count == 3)
        #expect(!guardian.first("d", now: 1_000))
        #expect(!guardian.first("b", now: 1_000))
        #expect(guardian.first("a", now: 1_000))  // forgotten, so new again
        #expect(guardian.value.count == 3)
    }

    @Test func aFloodStaysWithinCapacityAndStillWorks() {
        let guardian = Box(window: 600, capacity: 1_000)
        for index in 0..<50_000 {
            #expect(guardian.first("wh_\(index)", now: 1_000 + Int64(index / 100)))
            if guardian.value.count > 1_000 { Issue.record("count \(guardian.value.count) at \(index)") }
        }
        #expect(!guardian.first("wh_49999", now: 1_499))
        #expect(guardian.first("wh_0", now: 1_499))
    }

    @Test func longIdsCostTheSameAsShortOnes() {
        let guardian = Box(window: 600, capacity: 10)
        let long = String(repeating: "x", count: 100_000)
        #expect(guardian.first(long, now: 0))
        #expect(!guardian.first(long, now: 0))
        #expect(guardian.first(long + "y", now: 0))
    }

    @Test func aClockGoingBackOrToTheEdgesDoesNotTrap() {
        let guardian = Box(window: 600, capacity: 10)
        #expect(guardian.first("a", now: .max))
        #expect(!guardian.first("a", now: .max))
        #expect(guardian.first("b", now: 0))
        // Gone back in time: nothing is forgotten too soon.
        #expect(!guardian.first("a", now: .min))
        #expect(!guardian.first("b", now: 500))
    }
}

/// A reference to a guard, so that `#expect` can call its mutating method.
private final class Box {
    var value: WebhookReplayGuard

    init(window: Int64, capacity: Int) { value = WebhookReplayGuard(window: window, capacity: capacity) }

    func first(_ id: String, now: Int64) -> Bool { value.firstSighting(of: id, now: now) }
}
