/// Where a job stands at one simulated time: what a retrieve answers.
struct JobSnapshot: Sendable {
    let status: String
    let finishedAt: Int64?
    let estimatedFinish: Int64?
    let fineTunedModel: String?
    let trainedTokens: Int64?
    let error: JobFailure?
    let resultFiles: [String]
}

extension JobTimeline {
    func snapshot(at now: Double) -> JobSnapshot {
        let status = status(at: now)
        let succeeded = status == "succeeded"
        var finishedAt: Double?
        switch status {
        case "cancelled": finishedAt = cancelledAt
        case "succeeded", "failed": finishedAt = simulatedTime(ofActive: endOffset)
        default: finishedAt = nil
        }
        let estimate = status == "running" ? simulatedTime(ofActive: successOffset) : nil
        return JobSnapshot(
            status: status,
            finishedAt: finishedAt.map(Self.seconds),
            estimatedFinish: estimate.map(Self.seconds),
            fineTunedModel: succeeded ? job.fineTunedModel : nil,
            trainedTokens: succeeded ? Int64(script.tokensPerEpoch * script.epochs) : nil,
            error: status == "failed" ? failure : nil,
            resultFiles: succeeded ? [job.resultFileID] : []
        )
    }

    /// Unix seconds as the API shows them.
    static func seconds(_ time: Double) -> Int64 {
        Int64(time.rounded(.down))
    }
}
