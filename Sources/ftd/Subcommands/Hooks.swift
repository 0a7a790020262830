import ArgumentParser
import FTDConfig
import FTDDaemon
import FTDEngine
import FTDModel
import FTDStore
import FTDTerminal
import Foundation
import Logging

struct Hooks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks",
        abstract: "List, inspect and try the configured hooks.",
        subcommands: [List.self, Runs.self, Test.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "The configured hooks and what fires them.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let configuration = try global.loadConfiguration()
            Terminal.write(HookListView.render(configuration.hooks, source: configuration.sourcePath))
        }
    }

    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "runs",
            abstract: "Recent deliveries: pending, succeeded, or failed after N attempts.")

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Only deliveries that failed after all their attempts.")
        var failed = false

        @Option(help: "At most this many deliveries.")
        var limit = 20

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let configuration = try global.loadConfiguration()
            let store = try await StoreOpening.openForReading(configuration.storage)
            let deliveries = try await store.hookRuns(failedOnly: failed, limit: limit)
            if json {
                Terminal.write(DeliveryJSON.deliveries(deliveries).rendered() + "\n")
            } else {
                let options = HistoryRenderOptions(
                    color: Terminal.stdoutSupportsColor, width: Terminal.width,
                    now: Int64(Date().timeIntervalSince1970))
                Terminal.write(DeliveryTableView.render(deliveries, options: options, failedOnly: failed))
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run one hook now, exactly as the daemon would, and show what it did.",
            discussion: """
                Uses a stored job (--job) or a synthetic transition to --status; --alert KIND \
                delivers an alert of that kind instead (queued_too_long, stalled, loss_diverged, \
                overfitting): the job's stored alert of that kind when it has one, else an \
                example. Nothing is recorded as a delivery. Exits 0 when the hook exited 0, 1 \
                otherwise.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The hook's name in the configuration.")
        var name: String

        @Option(help: "A stored job (id or unique prefix) whose data the hook gets.")
        var job: String?

        @Option(help: "The new status of the transition (default: the job's status, or succeeded).")
        var status: String?

        @Option(help: "Deliver an alert of this kind instead of a transition.")
        var alert: String?

        func validate() throws {
            if let alert, AlertKind(rawValue: alert) == nil {
                throw ValidationError(
                    "--alert must be one of: \(AlertKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if alert != nil, status != nil {
                throw ValidationError(
                    "--status is the new status of a transition; an alert has none: give one of them")
            }
        }

        func run() async throws {
            let configuration = try global.loadConfiguration()
            global.bootstrapLogging()
            guard let hook = configuration.hooks.first(where: { $0.name == name }) else {
                let known = configuration.hooks.map(\.name).joined(separator: ", ")
                throw Failure(
                    message: "no hook named \"\(name)\" in the configuration"
                        + (known.isEmpty ? " (it has no [[hooks]])" : " (known: \(known))"),
                    code: Failure.usage)
            }
            var delivery = try await testDelivery(configuration: configuration)
            if let kind = alert.flatMap(AlertKind.init(rawValue:)) {
                delivery = try await alertDelivery(delivery, kind: kind, configuration: configuration)
            }
            if let only = hook.accounts, !only.contains(delivery.transition.account) {
                // Run anyway (the hook's own behaviour is what is tried), but the daemon
                // would never deliver this job to it.
                FileHandle.standardError.write(
                    Data(
                        "ftd: note: hook \(name) fires only for account(s) \(only.joined(separator: ", ")); the daemon would not run it for this job of account \(delivery.transition.account)\n"
                            .utf8))
            }
            // The store as the daemon names it to a hook: the URL of a PostgreSQL store.
            let payload = HookPayload(
                delivery: delivery, attempt: 1, databasePath: configuration.storage.displayName)
            // Every secret variable, as the daemon withholds them: the first account's key
            // alone would hand the others' keys, the webhook secrets and PGPASSWORD to the hook.
            let keyVariables = Daemon.secretVariables(configuration)
            let runner = HookRunner(keyVariables: { keyVariables }, logger: Logger(label: "ftd"))
            let result = await runner.run(hook, environment: payload.environment, stdin: payload.stdin)
            Terminal.write(HookTestView.render(hook: hook, delivery: delivery, result: result))
            if result.outcome != .succeeded { throw ExitCode(1) }
        }

        /// `delivery`'s job with an alert of `kind` instead of its transition: the job's stored
        /// alert of that kind when it has one, else an example one.
        private func alertDelivery(_ delivery: HookDelivery, kind: AlertKind, configuration: Configuration)
            async throws -> HookDelivery
        {
            var delivery = delivery
            let key = JobKey(account: delivery.transition.account, id: delivery.job.id)
            var stored: JobAlert?
            if job != nil {
                let store = try await StoreOpening.openForReading(configuration.storage)
                stored = try await store.alerts(job: key).first { $0.kind == kind }
            } else {
                // The synthetic job in a status the alert happens in.
                let status = kind == .queuedTooLong ? "queued" : "running"
                delivery.job = FineTuningJob.synthetic(status: status, at: delivery.transition.observedAt)
            }
            let alert =
                stored
                ?? JobAlert.example(
                    kind, account: key.account, jobID: key.id, at: delivery.transition.observedAt,
                    thresholds: configuration.alerts)
            delivery.alert = alert
            delivery.transition = Transition(
                account: key.account, jobID: key.id, from: nil, to: delivery.job.status,
                observedAt: alert.observedAt,
                isBaseline: false)
            return delivery
        }

        private func testDelivery(configuration: Configuration) async throws -> HookDelivery {
            let now = Int64(Date().timeIntervalSince1970)
            let deliveryID = "test-" + UUID().uuidString.lowercased()
            if let job {
                let store = try await StoreOpening.openForReading(configuration.storage)
                let key = try await store.resolveJob(job, account: nil)
                let stored = try await store.storedJob(key)
                let to = status ?? stored.status
                let from = try await store.jobDetail(job: key, latestEvents: nil).transitions.last(
                    where: { $0.to == to })?
                    .from
                let transition = Transition(
                    account: key.account, jobID: stored.id, from: from, to: to, observedAt: now,
                    isBaseline: false)
                return HookDelivery(
                    id: deliveryID, hook: name, transition: transition, job: stored, attemptsMade: 0)
            }
            let to = status ?? "succeeded"
            let job = FineTuningJob.synthetic(status: to, at: now)
            // An account the hook fires for, so that `accounts = [...]` is tried as it runs.
            let account =
                configuration.hooks.first { $0.name == name }?.accounts?.first
                ?? configuration.accounts[0].name
            let transition = Transition(
                account: account, jobID: job.id, from: "running", to: to, observedAt: now, isBaseline: false)
            return HookDelivery(id: deliveryID, hook: name, transition: transition, job: job, attemptsMade: 0)
        }
    }
}
