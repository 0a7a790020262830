import Foundation
import Testing

@testable import FTDAPI

@Suite struct RetryPolicyTests {
    static let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
    let policy = RetryPolicy(maxRetries: 4)

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let status: Int
        var headers: [(String, String)] = []
        var attempt = 1
        var jitter = 0.0
        let expected: RetryDecision
        var testDescription: String { name }
    }

    static let responseCases: [Case] = [
        Case(name: "408 retried", status: 408, expected: .retry(after: .milliseconds(500))),
        Case(name: "409 retried", status: 409, expected: .retry(after: .milliseconds(500))),
        Case(name: "429 retried", status: 429, expected: .retry(after: .milliseconds(500))),
        Case(name: "500 retried", status: 500, expected: .retry(after: .milliseconds(500))),
        Case(name: "503 retried", status: 503, expected: .retry(after: .milliseconds(500))),
        Case(name: "400 given up", status: 400, expected: .giveUp),
        Case(name: "401 given up", status: 401, expected: .giveUp),
        Case(name: "403 given up", status: 403, expected: .giveUp),
        Case(name: "404 given up", status: 404, expected: .giveUp),
        Case(name: "422 given up", status: 422, expected: .giveUp),
        Case(name: "backoff doubles", status: 500, attempt: 2, expected: .retry(after: .seconds(1))),
        Case(name: "third retry 2 s", status: 500, attempt: 3, expected: .retry(after: .seconds(2))),
        Case(
            name: "full jitter takes 25 %", status: 500, attempt: 3, jitter: 1,
            expected: .retry(after: .milliseconds(1500))),
        Case(
            name: "half jitter", status: 500, jitter: 0.5, expected: .retry(after: .microseconds(437_500))
        ),
        Case(name: "last attempt gives up", status: 500, attempt: 5, expected: .giveUp),
        Case(
            name: "retry-after seconds", status: 429, headers: [("Retry-After", "3")],
            expected: .retry(after: .seconds(3))),
        Case(
            name: "retry-after zero", status: 429, headers: [("retry-after", "0")],
            expected: .retry(after: .zero)),
        Case(
            name: "retry-after fractional", status: 429, headers: [("retry-after", "1.5")],
            expected: .retry(after: .milliseconds(1500))),
        Case(
            name: "retry-after-ms wins", status: 429,
            headers: [("retry-after", "9"), ("retry-after-ms", "250")],
            expected: .retry(after: .milliseconds(250))),
        Case(
            name: "retry-after HTTP date", status: 503,
            headers: [("Retry-After", "Wed, 21 Oct 2015 07:28:10 GMT")],
            expected: .retry(after: .seconds(10))),
        Case(
            name: "retry-after date in the past falls back", status: 503,
            headers: [("Retry-After", "Wed, 21 Oct 2015 07:27:00 GMT")],
            expected: .retry(after: .milliseconds(500))),
        Case(
            name: "retry-after 120 s honoured", status: 429, headers: [("retry-after", "120")],
            expected: .retry(after: .seconds(120))),
        Case(
            name: "retry-after over 120 s falls back", status: 429, headers: [("retry-after", "121")],
            attempt: 2,
            expected: .retry(after: .seconds(1))),
        Case(
            name: "unreadable retry-after falls back", status: 429, headers: [("retry-after", "soon")],
            expected: .retry(after: .milliseconds(500))),
        Case(
            name: "x-should-retry true forces", status: 400, headers: [("x-should-retry", "true")],
            expected: .retry(after: .milliseconds(500))),
        Case(
            name: "x-should-retry false forbids", status: 503, headers: [("X-Should-Retry", "false")],
            expected: .giveUp),
        Case(
            name: "x-should-retry true cannot pass the limit", status: 400,
            headers: [("x-should-retry", "true")],
            attempt: 5, expected: .giveUp),
        Case(
            name: "401 never retried, whatever the headers", status: 401,
            headers: [("x-should-retry", "true")],
            expected: .giveUp),
        Case(
            name: "403 never retried, whatever the headers", status: 403,
            headers: [("x-should-retry", "true")],
            expected: .giveUp),
    ]

    @Test(arguments: responseCases)
    func responses(_ testCase: Case) {
        let decision = policy.decide(
            outcome: .response(status: testCase.status, headers: testCase.headers),
            attempt: testCase.attempt,
            now: Self.now, jitter: testCase.jitter)
        #expect(decision == testCase.expected)
    }

    @Test(arguments: [AttemptOutcome.transportFailure, .timeout, .malformedBody])
    func failuresWithoutAnAnswerAreRetried(outcome: AttemptOutcome) {
        #expect(
            policy.decide(outcome: outcome, attempt: 1, now: Self.now, jitter: 0)
                == .retry(after: .milliseconds(500)))
        #expect(
            policy.decide(outcome: outcome, attempt: 4, now: Self.now, jitter: 0)
                == .retry(after: .seconds(4)))
        #expect(policy.decide(outcome: outcome, attempt: 5, now: Self.now, jitter: 0) == .giveUp)
    }

    @Test func backoffIsCappedAtEightSeconds() {
        let many = RetryPolicy(maxRetries: 10)
        #expect(
            many.decide(outcome: .timeout, attempt: 5, now: Self.now, jitter: 0)
                == .retry(after: .seconds(8)))
        #expect(
            many.decide(outcome: .timeout, attempt: 10, now: Self.now, jitter: 0)
                == .retry(after: .seconds(8)))
        #expect(
            many.decide(outcome: .timeout, attempt: 10, now: Self.now, jitter: 1)
                == .retry(after: .seconds(6)))
    }

    @Test func zeroRetriesMeansOneAttempt() {
        let none = RetryPolicy(maxRetries: 0)
        #expect(
            none.decide(
                outcome: .response(status: 500, headers: []), attempt: 1, now: Self.now, jitter: 0)
                == .giveUp)
    }

    @Test func attemptsInAllAreOnePlusMaxRetries() {
        for maxRetries in 0...6 {
            let policy = RetryPolicy(maxRetries: maxRetries)
            var attempts = 1
            while case .retry = policy.decide(
                outcome: .timeout, attempt: attempts, now: Self.now, jitter: 0.3)
            {
                attempts += 1
            }
            #expect(attempts == 1 + maxRetries)
        }
    }
}
