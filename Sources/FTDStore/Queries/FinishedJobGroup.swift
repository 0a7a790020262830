import FTDModel

/// Which finished jobs `ftd report` totals: those whose `finished_at` falls in `finished`
/// (unix seconds, all time when nil), of `account` when given.
public struct FinishedJobsQuery: Sendable, Equatable {
    public var finished: Range<Int64>?
    public var account: String?

    public init(finished: Range<Int64>? = nil, account: String? = nil) {
        self.finished = finished
        self.account = account
    }

    /// The jobs that finished in `month` (UTC).
    public init(month: UTCMonth?, account: String? = nil) {
        self.init(finished: month.map { $0.start..<$0.end }, account: account)
    }
}

/// The finished jobs of one account on one model (`model` as stored, nil when the API
/// gave none): how many, and the trained tokens of those the API reported them for.
public struct FinishedJobGroup: Sendable, Equatable {
    public var account: String
    public var model: String?
    public var jobs: Int
    /// The sum of the jobs' `trained_tokens` (saturating: a hostile value must not trap).
    public var trainedTokens: Int64
    /// The jobs with `trained_tokens`; the others (failed, cancelled) add none.
    public var jobsWithTokens: Int

    public init(account: String, model: String?, jobs: Int, trainedTokens: Int64, jobsWithTokens: Int) {
        self.account = account
        self.model = model
        self.jobs = jobs
        self.trainedTokens = trainedTokens
        self.jobsWithTokens = jobsWithTokens
    }
}

/// Finished jobs folded into their groups as a store reads them, ordered by account and
/// model: each (account, model) run of rows is one group, its trained tokens summed here,
/// saturating (SQLite's SUM throws on an overflow, and one absurd row must not stop the
/// report).
package struct FinishedJobGrouping: Sendable {
    package private(set) var groups: [FinishedJobGroup] = []

    package init() {}

    package mutating func add(account: String, model: String?, trainedTokens tokens: Int64?) {
        if !(groups.last.map { $0.account == account && $0.model == model } ?? false) {
            groups.append(
                FinishedJobGroup(account: account, model: model, jobs: 0, trainedTokens: 0, jobsWithTokens: 0)
            )
        }
        groups[groups.count - 1].jobs += 1
        // A negative count is no count (a broken answer must not lower the total).
        if let tokens, tokens >= 0 {
            groups[groups.count - 1].trainedTokens = CostReport.adding(
                groups[groups.count - 1].trainedTokens, tokens)
            groups[groups.count - 1].jobsWithTokens += 1
        }
    }
}
