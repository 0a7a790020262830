import Foundation
import Logging

@testable import FTDModel

/// Sample jobs, events and directories shared by the store and history tests.
enum StoreSample {
    /// Every migration, by name: shipped names are never edited, so a new one
    /// is added here and nowhere else.
    static let migrations: Set<String> = [
        "v1", "v2-hooks", "v3-graceful-stop", "v4-step-summary", "v5-interrupted-attempts",
        "v6-observed-instant", "v7-message-events", "v8-accounts", "v9-estimates", "v10-alerts",
        "v11-loss-scans", "v12-compact-events",
    ]

    static let logger = Logger(label: "ftd.store.tests")

    static func job(
        _ id: String, _ status: String, createdAt: Int64 = 1_715_566_184,
        model: String = "gpt-4o-mini-2024-07-18",
        fineTunedModel: String? = nil, finishedAt: Int64? = nil, trainedTokens: Int64? = nil,
        error: JobError? = nil
    ) -> FineTuningJob {
        FineTuningJob(
            id: id, status: status, model: model, createdAt: createdAt, finishedAt: finishedAt,
            fineTunedModel: fineTunedModel, trainedTokens: trainedTokens, error: error,
            raw: .object(["id": .string(id), "status": .string(status)]))
    }

    static func event(_ id: String, job: String, at time: Int64, _ message: String = "msg")
        -> JobEvent
    {
        JobEvent(id: id, jobID: job, createdAt: time, level: "info", type: "message", message: message)
    }

    /// A fresh directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ftd-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}
