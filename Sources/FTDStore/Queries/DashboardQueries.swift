import FTDModel

/// What the dashboard's job list asks for: one page of jobs, newest first.
public struct OverviewQuery: Sendable, Equatable {
    /// Only jobs of this status.
    public var status: String?
    /// Only jobs of this account.
    public var account: String?
    /// A case-insensitive piece of the id, the suffix, the model or the fine-tuned model.
    public var search: String?
    public var limit: Int
    public var offset: Int
    /// How many train-loss values each job's sparkline gets, at most.
    public var sparkPoints: Int

    public init(
        status: String? = nil, account: String? = nil, search: String? = nil, limit: Int = 50,
        offset: Int = 0,
        sparkPoints: Int = 40
    ) {
        self.status = status
        self.account = account
        self.search = search
        self.limit = limit
        self.offset = offset
        self.sparkPoints = sparkPoints
    }
}

/// A line of the dashboard's job list: the `ftd history` summary and what a glance needs
/// besides (how far the job is, since when it runs, its curve in a few points).
public struct JobOverview: Sendable, Equatable {
    public var summary: JobSummary
    public var suffix: String?
    /// `total_steps` of the highest stored step.
    public var totalSteps: Int?
    /// When the job was first seen `running`.
    public var startedAt: Int64?
    public var estimatedFinish: Int64?
    /// Train loss at evenly spaced steps, the first and the last included.
    public var spark: [Double]
    /// The kinds of alert fired for the job, in the order they fired.
    public var alerts: [AlertKind] = []

    public init(
        summary: JobSummary, suffix: String? = nil, totalSteps: Int? = nil, startedAt: Int64? = nil,
        estimatedFinish: Int64? = nil, spark: [Double] = []
    ) {
        self.summary = summary
        self.suffix = suffix
        self.totalSteps = totalSteps
        self.startedAt = startedAt
        self.estimatedFinish = estimatedFinish
        self.spark = spark
    }
}

public struct OverviewPage: Sendable, Equatable {
    /// Jobs matching the query, all pages together.
    public var total: Int
    public var jobs: [JobOverview]

    public init(total: Int, jobs: [JobOverview]) {
        self.total = total
        self.jobs = jobs
    }
}

/// Where an event sits in a job's order: `created_at`, then the order it was stored in.
/// Written `CREATED_AT.SEQ`, which is what the dashboard pages with.
public struct EventCursor: Sendable, Equatable, Comparable {
    public var createdAt: Int64
    public var seq: Int64

    public init(createdAt: Int64, seq: Int64) {
        self.createdAt = createdAt
        self.seq = seq
    }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let createdAt = Int64(parts[0]), let seq = Int64(parts[1]) else { return nil }
        self.init(createdAt: createdAt, seq: seq)
    }

    public var text: String { "\(createdAt).\(seq)" }

    public static func < (a: EventCursor, b: EventCursor) -> Bool {
        (a.createdAt, a.seq) < (b.createdAt, b.seq)
    }
}

/// One page of a job's events, newest first: the Messages panel, which must stay usable
/// with 100,000 of them.
public struct EventPageQuery: Sendable, Equatable {
    public var job: JobKey
    /// Only events older than this one.
    public var before: EventCursor?
    /// Only events newer than this one (a live page asking what is new).
    public var after: EventCursor?
    /// Exactly this level (`info`, `warn`, `error`).
    public var level: String?
    /// A case-insensitive piece of the message.
    public var search: String?
    public var limit: Int

    public init(
        job: JobKey, before: EventCursor? = nil, after: EventCursor? = nil, level: String? = nil,
        search: String? = nil, limit: Int = 200
    ) {
        self.job = job
        self.before = before
        self.after = after
        self.level = level
        self.search = search
        self.limit = limit
    }
}

/// An event with its place in the job's order.
public struct PagedEvent: Sendable, Equatable {
    public var cursor: EventCursor
    public var event: JobEvent

    public init(cursor: EventCursor, event: JobEvent) {
        self.cursor = cursor
        self.event = event
    }
}

public struct EventPage: Sendable, Equatable {
    /// Events of the job matching `level` and `search`, all pages together.
    public var total: Int
    /// Newest first.
    public var events: [PagedEvent]
    /// The cursor to pass as `before` for the next (older) page; nil on the last one.
    public var next: EventCursor?

    public init(total: Int, events: [PagedEvent], next: EventCursor?) {
        self.total = total
        self.events = events
        self.next = next
    }
}
