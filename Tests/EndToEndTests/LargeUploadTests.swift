import AsyncHTTPClient
import FTDSimulator
import Foundation
import Testing

/// `ftd submit` streams its files from disk: a file of several MB arrives intact, also
/// when the first attempt fails and the upload is sent again.
@Suite(.timeLimit(.minutes(3))) struct LargeUploadTests {
    /// About `megabytes` MB of valid examples, each one different.
    static func trainingFile(megabytes: Int, in directory: URL) throws -> URL {
        let lines = try String(contentsOfFile: WorkflowTests.elle, encoding: .utf8).split(separator: "\n")
        var text = ""
        var count = 0
        while text.utf8.count < megabytes << 20 {
            let line = lines[count % lines.count]
            text += line.replacingOccurrences(of: "Tell me about", with: "Tell me (\(count), ü) about") + "\n"
            count += 1
        }
        let url = directory.appendingPathComponent("large.jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func content(_ sandbox: Sandbox, file: String) async throws -> Data {
        var request = HTTPClientRequest(url: sandbox.baseURL + "/files/\(file)/content")
        request.headers.add(name: "Authorization", value: "Bearer \(Sandbox.apiKey)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(response.status == .ok)
        return Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
    }

    @Test func aMultiMegabyteFileArrivesIntactAfterARetriedUpload() async throws {
        var configuration = SimulatorConfiguration(clock: .manual(start: 1_750_000_000))
        configuration.fileProcessingSeconds = 0
        try await Sandbox.with(configuration) { sandbox in
            let file = try Self.trainingFile(megabytes: 12, in: sandbox.directory)
            // The first upload is refused: the retry must stream the file again from its start.
            await sandbox.simulator.addFault(FaultRule(kind: .status(503), pathContains: "/files", count: 1))
            let result = try await sandbox.ftd(
                ["submit", file.path, "--model", "gpt-4o-mini-2024-07-18"], timeout: .seconds(120))
            #expect(result.status == 0, "\(result.stderr)")
            let id = result.stdout.trimmingCharacters(in: .newlines)
            let job = try WorkflowTests.object(
                try await WorkflowTests.get(sandbox, "/fine_tuning/jobs/\(id)"))
            let uploaded = try await Self.content(
                sandbox, file: try #require(job["training_file"] as? String))
            let original = try Data(contentsOf: file)
            #expect(original.count > 12 << 20)
            #expect(uploaded.count == original.count)
            #expect(uploaded == original)
            #expect(
                await sandbox.simulator.requestLog().filter { $0.hasPrefix("POST") && $0.contains("/files") }
                    .count == 2)
        }
    }
}
