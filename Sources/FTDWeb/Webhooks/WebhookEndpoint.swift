import FTDModel
import Foundation
import Hummingbird
import Logging

/// `POST /webhooks/{account}` (SPEC section 9): a signed `fine_tuning.job.*` event makes the
/// daemon sync that job at once. Answered 200 before that sync; a bad signature, an old
/// timestamp, an unknown account or an unreadable body gets 400 and changes nothing; a
/// repeated `webhook-id`, or an event about anything but a fine-tuning job, gets 200 and is
/// ignored. The job's data still comes from the API, never from the event.
///
/// The injection point: the daemon builds one of these with a verifier per account that has
/// a webhook secret, and a `syncNow` that hands the job to its poller without waiting (for
/// instance `continuation.yield((account, jobID))` into an `AsyncStream` the poller drains),
/// and sets it as `WebServer.webhooks`. Until then no account takes webhooks and every
/// `POST /webhooks/…` gets 400.
public struct WebhookEndpoint: Sendable {
    /// Called for each new, valid fine-tuning event, before the answer is sent. It must
    /// return at once: the sender waits for the answer, and retries one that is slow.
    public typealias SyncNow = @Sendable (_ account: String, _ jobID: String) -> Void

    /// OpenAI's events are a few hundred bytes; a body larger than this is refused unread.
    public static let maximumBody = 64 * 1024

    /// Refusals logged one by one per minute; past that they are counted, and the count is
    /// logged when the next minute's first one is. Anyone can send a refused webhook: one line
    /// each would let a stranger flood the journal, whose rate limit then drops the daemon's
    /// own lines (transitions, errors) with the flood.
    static let refusalsLoggedPerMinute = 10

    let verifiers: [String: WebhookVerifier]
    let replays: Locked<WebhookReplayGuard>
    /// The minute refusals are being counted in, how many were logged in it, how many not.
    let refusals = Locked((minute: Int64.min, logged: 0, unlogged: 0))
    let syncNow: SyncNow
    let logger: Logger
    /// Unix seconds now; a test sets the clock.
    var now: @Sendable () -> Int64 = WallClock.unixSeconds

    /// - Parameter verifiers: each account that accepts webhooks, with its secret's verifier.
    public init(
        verifiers: [String: WebhookVerifier], replayGuard: WebhookReplayGuard = WebhookReplayGuard(),
        logger: Logger, syncNow: @escaping SyncNow
    ) {
        self.verifiers = verifiers
        self.replays = Locked(replayGuard)
        self.syncNow = syncNow
        self.logger = logger
    }

    func receive(account: String, _ request: Request) async -> Response {
        guard let verifier = verifiers[account] else {
            return refuse("no account \(account.debugDescription) takes webhooks", account: account)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumBody)
        } catch {
            return refuse("the body is over \(Self.maximumBody) bytes", account: account)
        }
        let verdict = verifier.verify(
            id: request.headers[.webhookID], timestamp: request.headers[.webhookTimestamp],
            signatures: Self.joined(request.headers[values: .webhookSignature]), body: body.readableBytesView,
            now: now())
        if case .failure(let rejection) = verdict {
            return refuse(rejection.description, account: account)
        }
        let event: WebhookEvent
        do {
            event = try WebhookEvent.decode(Data(body.readableBytesView))
        } catch {
            return refuse(error.message, account: account)
        }
        // Verified, so the header is there; remembered only now, so no one without the secret
        // can fill the guard, and a body that could not be read is not taken as handled.
        let id = request.headers[.webhookID] ?? ""
        let now = now()
        // Per account: two accounts' endpoints may be sent one delivery id (two endpoints
        // on one project), and each must be heard. A header value holds no newline.
        guard replays.withLock({ $0.firstSighting(of: "\(account)\n\(id)", now: now) }) else {
            return Self.accepted("a repeated webhook-id: ignored")
        }
        guard let jobID = event.fineTuningJobID else {
            return Self.accepted("\(event.type) is not about a fine-tuning job: ignored")
        }
        logger.info(
            "webhook: \(event.type) for \(jobID), syncing it now",
            metadata: ["account": "\(account)", "webhook_id": "\(id)"])
        syncNow(account, jobID)
        return Self.accepted(nil)
    }

    private func refuse(_ reason: String, account: String) -> Response {
        let minute = now() / 60
        let (log, unlogged) = refusals.withLock { state -> (Bool, Int) in
            var unlogged = 0
            if state.minute != minute {
                unlogged = state.unlogged
                state = (minute, 0, 0)
            }
            guard state.logged < Self.refusalsLoggedPerMinute else {
                state.unlogged += 1
                return (false, unlogged)
            }
            state.logged += 1
            return (true, unlogged)
        }
        if unlogged > 0 {
            logger.notice(
                "\(unlogged) more webhook(s) refused in a minute, past \(Self.refusalsLoggedPerMinute) logged one by one"
            )
        }
        if log { logger.notice("webhook refused: \(reason)", metadata: ["account": "\(account)"]) }
        return .problem(reason, status: .badRequest)
    }

    private static func accepted(_ note: String?) -> Response {
        var object: JSONObject = ["ok": .bool(true)]
        if let note { object["note"] = .string(note) }
        return .json(.object(object))
    }

    /// Several `webhook-signature` fields are one list, as a comma-joined field would be
    /// were its entries not themselves comma-separated.
    private static func joined(_ values: [String]) -> String? {
        values.isEmpty ? nil : values.joined(separator: " ")
    }
}

extension HTTPFields.Element.Name {
    static let webhookID = Self("webhook-id")!
    static let webhookTimestamp = Self("webhook-timestamp")!
    static let webhookSignature = Self("webhook-signature")!
}
