import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

@testable import FTDSimulator

/// Starts a simulator on a free loopback port with a manual clock and talks to it over HTTP.
struct SimulatorHarness: Sendable {
    static let start: Int64 = 1_715_566_184
    static let key = "sk-test-0123456789"

    let simulator: FineTuningSimulator
    let port: Int
    /// Azure: `key` goes in the `api-key` header instead of `Authorization: Bearer`.
    var flavor: SimulatorFlavor = .openai

    static func with<T: Sendable>(
        scenario: Scenario = .elle,
        finishedJobs: Int = 0,
        activeJobs: Int = 0,
        faults: [FaultRule] = [],
        revokedKeys: Set<String> = [],
        flavor: SimulatorFlavor = .openai,
        apiVersion: String? = nil,
        _ body: @Sendable (SimulatorHarness) async throws -> T
    ) async throws -> T {
        var configuration = SimulatorConfiguration(
            clock: .manual(start: start), scenario: scenario,
            finishedJobs: finishedJobs, activeJobs: activeJobs,
            faults: faults, revokedKeys: revokedKeys
        )
        configuration.flavor = flavor
        configuration.apiVersion = apiVersion
        let simulator = FineTuningSimulator(
            configuration: configuration, logger: Logger(label: "ftd.sim.test"))
        try await simulator.start()
        let harness = SimulatorHarness(simulator: simulator, port: await simulator.port, flavor: flavor)
        do {
            let result = try await body(harness)
            await simulator.stop()
            return result
        } catch {
            await simulator.stop()
            throw error
        }
    }

    struct Answer: Sendable {
        let status: Int
        let headers: HTTPFields
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: SimJSON? { SimJSON.parse(body) }
        var data: [SimJSON] { json?["data"]?.arrayValue ?? [] }
        var ids: [String] { data.compactMap { $0["id"]?.stringValue } }
        var hasMore: Bool? { json?["has_more"]?.boolValue }
    }

    /// One request on its own connection (a truncated answer closes the connection).
    func request(
        _ method: HTTPRequest.Method,
        _ uri: String,
        key: String? = SimulatorHarness.key,
        headers extra: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(15)
    ) async throws -> Answer {
        var headers = extra
        if let key {
            if flavor == .azure {
                headers[HTTPFields.Element.Name("api-key")!] = key
            } else {
                headers[.authorization] = "Bearer \(key)"
            }
        }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let request = TestClient.Request(
            uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
        return try await TestClient.withClient(
            host: "127.0.0.1", port: port, configuration: .init(timeout: timeout)
        ) { client in
            let response = try await client.execute(request)
            return Answer(
                status: Int(response.status.code), headers: response.headers,
                body: response.body.map { Array($0.readableBytesView) } ?? []
            )
        }
    }

    func get(_ uri: String, key: String? = SimulatorHarness.key) async throws -> Answer {
        try await request(.get, uri, key: key)
    }

    func post(_ uri: String, json: String? = nil, key: String? = SimulatorHarness.key) async throws -> Answer
    {
        try await request(.post, uri, key: key, body: json.map { Array($0.utf8) })
    }

    func advance(_ seconds: Int64) async {
        await simulator.advanceClock(by: seconds)
    }

    /// `POST /v1/files` as a multipart form.
    func upload(filename: String, content: String, purpose: String = "fine-tune") async throws -> Answer {
        try await upload(filename: filename, bytes: Array(content.utf8), purpose: purpose)
    }

    /// `POST /v1/files` with exactly these bytes as the file.
    func upload(
        filename: String, bytes: [UInt8], purpose: String = "fine-tune", at uri: String = "/v1/files"
    ) async throws -> Answer {
        let boundary = "----ftdsimboundary42"
        var head = ""
        head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n\(purpose)\r\n"
        head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
        head += "Content-Type: application/jsonl\r\n\r\n"
        let body = Array(head.utf8) + bytes + Array("\r\n--\(boundary)--\r\n".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await request(.post, uri, headers: headers, body: body)
    }

    /// Uploads a file and lets the clock run until it is processed; returns its id.
    func uploadProcessed(filename: String, content: String) async throws -> String {
        let answer = try await upload(filename: filename, content: content)
        guard answer.status == 200, let id = answer.json?["id"]?.stringValue else {
            throw HarnessError.uploadRefused(answer.text)
        }
        await advance(Int64(SimulatorConfiguration().fileProcessingSeconds.rounded(.up)))
        return id
    }

    /// `POST /v1/fine_tuning/jobs` with a JSON body.
    func createJob(_ json: String) async throws -> Answer {
        try await post("/v1/fine_tuning/jobs", json: json)
    }

    /// `POST /v1/chat/completions` asking `model` one question.
    func ask(_ model: String, _ question: String, key: String? = SimulatorHarness.key) async throws -> Answer
    {
        let body = SimJSON.object([
            ("model", .string(model)),
            ("messages", .array([.object([("role", .string("user")), ("content", .string(question))])])),
        ])
        return try await post("/v1/chat/completions", json: body.serialized, key: key)
    }

    /// The id of the only job of the Elle scenario.
    func elleJobID() async throws -> String {
        let ids = await simulator.jobIDs()
        guard let id = ids.first else { throw HarnessError.noJob }
        return id
    }

    enum HarnessError: Error { case noJob, uploadRefused(String) }
}

/// `n` chat-format training lines.
func trainingLines(_ count: Int) -> String {
    (1...count).map {
        "{\"messages\": [{\"role\": \"user\", \"content\": \"question \($0)\"}, {\"role\": \"assistant\", \"content\": \"answer \($0)\"}]}"
    }
    .joined(separator: "\n") + "\n"
}

extension SimJSON {
    /// The same value with every object's keys sorted, as `SimJSON.parse` returns them, so
    /// that a parsed answer compares equal to an object written in the API's key order.
    var keySorted: SimJSON {
        switch self {
        case .array(let values): return .array(values.map(\.keySorted))
        case .object(let pairs): return .object(pairs.sorted { $0.0 < $1.0 }.map { ($0.0, $0.1.keySorted) })
        default: return self
        }
    }
}
