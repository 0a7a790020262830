import Foundation
import Logging

@testable import FTDCore

/// Sample jobs, events and directories shared by the store and history tests.
enum StoreSample {
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
