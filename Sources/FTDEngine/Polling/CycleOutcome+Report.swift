import FTDStore

extension CycleOutcome {
    /// A finished cycle's report.
    public init(report: CycleReport, finishedAt: Int64, nextCycleAt: Int64?) {
        let result: Result =
            !report.recorded ? .failed : report.failures.isEmpty ? .complete : .incomplete
        var error = report.failures.first.map { "\($0)" }
        if report.credentialsRejected {
            error = "the API rejected the credentials (401/403)" + (error.map { ": \($0)" } ?? "")
        }
        self.init(
            finishedAt: finishedAt, result: result, requests: report.requests,
            transitions: report.transitions.count, failedRequests: report.failures.count, error: error,
            nextCycleAt: nextCycleAt)
    }
}
