import FTDModel

/// `ftd report`: the finished jobs' trained tokens and cost per account and model, and
/// the total (SPEC section 10). Priced here, by the one `PriceBook`, from the store's
/// groups: a group whose model has no price has cost nil and its jobs are counted in
/// `total.unpricedJobs` instead of the total's cost.
public struct CostReport: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        public var account: String
        public var model: String?
        public var jobs: Int
        public var trainedTokens: Int64
        /// Unrounded US dollars; nil when the model has no price for this account.
        public var costUSD: Double?
        /// Jobs the API reported no trained tokens for (failed, cancelled).
        public var jobsWithoutTokens: Int
    }

    public struct Total: Sendable, Equatable {
        public var jobs = 0
        public var trainedTokens: Int64 = 0
        /// The priced groups' cost, unrounded.
        public var costUSD: Double = 0
        /// Jobs of groups with no price: not in `costUSD`.
        public var unpricedJobs = 0
        public var jobsWithoutTokens = 0
    }

    /// Nil: all time.
    public var month: UTCMonth?
    public var groups: [Group]
    public var total: Total

    public init(month: UTCMonth?, groups: [FinishedJobGroup], prices: PriceBook) {
        self.month = month
        var total = Total()
        self.groups = groups.map { group in
            let cost = prices.cost(
                trainedTokens: group.trainedTokens, model: group.model, account: group.account)
            total.jobs += group.jobs
            total.trainedTokens = Self.adding(total.trainedTokens, group.trainedTokens)
            if let cost { total.costUSD += cost } else { total.unpricedJobs += group.jobs }
            total.jobsWithoutTokens += group.jobs - group.jobsWithTokens
            return Group(
                account: group.account, model: group.model, jobs: group.jobs,
                trainedTokens: group.trainedTokens,
                costUSD: cost, jobsWithoutTokens: group.jobs - group.jobsWithTokens)
        }
        self.total = total
    }

    /// `ftd report --json`.
    public var json: JSONValue {
        .object([
            "month": month.map { .string($0.description) } ?? .null,
            "groups": .array(
                groups.map { group in
                    .object([
                        "account": .string(group.account),
                        "model": .optional(group.model),
                        "jobs": .int(Int64(group.jobs)),
                        "trained_tokens": .int(group.trainedTokens),
                        "cost_usd": .optional(group.costUSD.map(JobCost.rounded)),
                    ])
                }),
            "total": .object([
                "jobs": .int(Int64(total.jobs)),
                "trained_tokens": .int(total.trainedTokens),
                "cost_usd": .double(JobCost.rounded(total.costUSD)),
                "unpriced_jobs": .int(Int64(total.unpricedJobs)),
            ]),
        ])
    }

    static func adding(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}
