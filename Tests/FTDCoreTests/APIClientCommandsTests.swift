import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import FTDAPI
@testable import FTDModel

/// The requests that later commands use, and what a retry leaves in the log.
@Suite struct APIClientCommandsTests {
    @Test func downloadsAResultFileAsBytes() async throws {
        let csv = try Fixtures.data("result-file.csv.b64")
        let (data, received) = try await APIClientTests.withServer([
            .init(body: String(decoding: csv, as: UTF8.self))
        ]) {
            server in
            (try await APIClientTests.client(server).downloadFile(id: "file-abc"), await server.received)
        }
        #expect(data == csv)
        #expect(received.first?.path == "/v1/files/file-abc/content")
        #expect(ResultFileParser.steps(jobID: "j", data: data).count == 5)
    }

    @Test func createsAJob() async throws {
        let request = FineTuningJobRequest(
            model: "gpt-4o-mini-2024-07-18", trainingFile: "file-t", validationFile: "file-v",
            suffix: "demo", seed: 7,
            metadata: ["team": "ml"])
        let (job, received) = try await APIClientTests.withServer([.init(body: APIClientTests.jobBody)]) {
            server in
            (try await APIClientTests.client(server).createJob(request), await server.received)
        }
        #expect(job.id == "ftjob-1")
        let sent = try #require(received.first)
        #expect(sent.method == "POST")
        #expect(sent.path == "/v1/fine_tuning/jobs")
        #expect(sent.headers["content-type"] == "application/json")
        #expect(try JSONValue.parse(Data(sent.body.utf8)) == request.json)
        #expect(request.json["training_file"] == .string("file-t"))
        #expect(request.json["metadata"]?["team"] == .string("ml"))
    }

    @Test func cancelsPausesAndResumes() async throws {
        let replies = Array(repeating: ScriptedServer.Reply(body: APIClientTests.jobBody), count: 3)
        let received = try await APIClientTests.withServer(replies) { server in
            let client = APIClientTests.client(server)
            _ = try await client.cancelJob(id: "ftjob-1")
            _ = try await client.pauseJob(id: "ftjob-1")
            _ = try await client.resumeJob(id: "ftjob-1")
            return await server.received
        }
        #expect(received.map(\.method) == ["POST", "POST", "POST"])
        #expect(
            received.map(\.path)
                == ["cancel", "pause", "resume"].map { "/v1/fine_tuning/jobs/ftjob-1/\($0)" })
    }

    @Test func retryIsLoggedWithMetadataAndWithoutTheKey() async throws {
        let records = LogRecords()
        let logger = Logger(label: "test", factory: { _ in CapturingLogHandler(records: records) })
        let replies: [ScriptedServer.Reply] = [
            .init(
                status: 429, headers: [("x-request-id", "req_9"), ("retry-after-ms", "1")], body: "{}"),
            .init(body: APIClientTests.jobBody),
        ]
        _ = try await APIClientTests.withServer(replies) { server in
            try await APIClientTests.client(server, logger: logger).retrieveJob(id: "ftjob-1")
        }
        let logged = records.all
        #expect(logged.count == 1)
        let entry = try #require(logged.first)
        #expect(entry.level == .warning)
        #expect(entry.metadata["http.status"] == "429")
        #expect(entry.metadata["http.request_id"] == "req_9")
        #expect(entry.metadata["http.endpoint"] == "GET /fine_tuning/jobs/ftjob-1")
        #expect(entry.metadata["retry.attempt"] == "1")
        #expect(entry.metadata["retry.delay"] == "0.001")
        #expect(!entry.text.contains(APIClientTests.key))
    }
}

final class LogRecords: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var metadata: [String: String]
        var text: String
    }

    private let entries = NIOLockedValueBox<[Entry]>([])

    var all: [Entry] { entries.withLockedValue { $0 } }

    func append(_ entry: Entry) { entries.withLockedValue { $0.append(entry) } }
}

struct CapturingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let flat = merged.mapValues { "\($0)" }
        let text = "\(event.message) \(flat.sorted { $0.key < $1.key })"
        records.append(LogRecords.Entry(level: event.level, metadata: flat, text: text))
    }
}
