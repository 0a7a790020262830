import FTDModel
import Foundation

/// What a person typed to name a stored job (`HistoryStore.resolveJob`): `account/ftjob-…`,
/// the full id, or a unique prefix of it with or without `ftjob-`, within `account` when
/// given. Every backend looks the candidates up its own way and judges them here, so that
/// both say the same job, or the same error.
package struct JobReference: Sendable {
    /// As typed, for the errors.
    package let input: String
    /// The account to look in; nil for every account.
    package let account: String?
    /// The id or prefix, without the account.
    package let typed: String

    /// At most this many candidates are read: one more than an ambiguity's message lists.
    package static let candidateLimit = StoreError.ambiguousShown + 1

    /// - Throws: `StoreError.unknownJob` for nothing typed, or an `ACCOUNT/` that is not
    ///   `account`.
    package init(_ input: String, account: String?) throws {
        var typed = input.trimmingCharacters(in: .whitespaces)
        var account = account
        if let slash = typed.firstIndex(of: "/") {
            let named = String(typed[..<slash])
            if let account, account != named { throw StoreError.unknownJob(input: input) }
            account = named
            typed = String(typed[typed.index(after: slash)...])
        }
        guard !typed.isEmpty else { throw StoreError.unknownJob(input: input) }
        self.input = input
        self.account = account
        self.typed = typed
    }

    /// The prefixes an id may start with when no id is `typed` itself: `typed`, and
    /// `ftjob-` + `typed` when it does not start so. Each with its length in characters,
    /// which SQLite's `substr(id, 1, ?)` compares it with.
    package var prefixes: [(text: String, length: Int)] {
        var prefixes = [typed]
        if !typed.hasPrefix("ftjob-") { prefixes.append("ftjob-" + typed) }
        return prefixes.map { ($0, $0.count) }
    }

    /// The one job `candidates` holds (those of `typed` itself if any, else those of its
    /// prefixes; by id, then account).
    /// - Throws: `StoreError.unknownJob` for none, `StoreError.ambiguousJob` for several.
    package func resolve(_ candidates: [JobKey]) throws -> JobKey {
        switch candidates.count {
        case 0: throw StoreError.unknownJob(input: input)
        case 1: return candidates[0]
        default:
            // One id only: say the job's short name; the same id in several accounts,
            // or several ids: say `account/id` where it takes the account to tell them apart.
            let accounts = Set(candidates.map(\.account))
            throw StoreError.ambiguousJob(
                input: input, candidates: candidates.map { accounts.count > 1 ? "\($0)" : $0.id })
        }
    }
}
