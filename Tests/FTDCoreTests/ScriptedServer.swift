import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A tiny HTTP server on 127.0.0.1 (port 0) that answers a queue of scripted
/// responses and records every request, for testing the API client in-process.
final class ScriptedServer: Sendable {
    struct Reply: Sendable {
        var status = 200
        var headers: [(String, String)] = []
        var body = ""
        /// Wait this long before answering (for timeouts).
        var delay: Duration = .zero
    }

    struct Received: Sendable {
        var method: String
        var path: String
        var query: String?
        /// Header names lowercased.
        var headers: [String: String]
        var body: String
    }

    actor Script {
        var replies: [Reply]
        var received: [Received] = []

        init(_ replies: [Reply]) { self.replies = replies }

        func take(_ request: Received) -> Reply {
            received.append(request)
            if replies.isEmpty {
                return Reply(status: 599, body: #"{"error":{"message":"script exhausted"}}"#)
            }
            return replies.removeFirst()
        }
    }

    let port: Int
    let script: Script
    private let task: Task<Void, any Error>
    private let group: ServiceGroup

    private init(port: Int, script: Script, task: Task<Void, any Error>, group: ServiceGroup) {
        self.port = port
        self.script = script
        self.task = task
        self.group = group
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    var received: [Received] { get async { await script.received } }

    static func start(_ replies: [Reply]) async throws -> ScriptedServer {
        let script = Script(replies)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let reply = await script.take(
                Received(
                    method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                    headers: headers, body: String(buffer: body)))
            if reply.delay > .zero {
                // Cut short by stop(): a handler still sleeping must not hold the shutdown.
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: reply.delay) }
            }
            var fields = HTTPFields()
            for (name, value) in reply.headers { fields.append(.init(name: .init(name)!, value: value)) }
            return Response(
                status: .init(code: reply.status), headers: fields,
                body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        }
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: Logger(label: "scripted-server", factory: { _ in SwiftLogNoOpLogHandler() }))
        // Stopped by a graceful shutdown, not by cancelling the serving task: cancelling it
        // can leave an accepted connection unserved, which NIO traps on in debug builds
        // ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#3481).
        let group = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: [],
                logger: Logger(label: "scripted-server", factory: { _ in SwiftLogNoOpLogHandler() })))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            _ = await task.result
            throw CancellationError()
        }
        return ScriptedServer(port: port, script: script, task: task, group: group)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
