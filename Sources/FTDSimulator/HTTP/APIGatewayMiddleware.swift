import Foundation
import Hummingbird
import Logging

/// In front of every route: gives each answer an `x-request-id`, and for `/v1` requests
/// counts the request, checks the key, injects a configured fault and turns errors into
/// the OpenAI error envelope. `/_sim` control requests are not counted.
struct APIGatewayMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let state: SimulatorState

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let requestID = await state.nextRequestID()
        let path = request.uri.path
        var response: Response
        if path == "/v1" || path.hasPrefix("/v1/") {
            response = await handleAPI(request, context: context, next: next)
        } else {
            response = await respond(request, context: context, next: next)
        }
        response.headers[.requestID] = requestID
        return response
    }

    private func handleAPI(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async -> Response {
        let pathAndQuery = request.uri.description
        await state.record(request: "\(request.method.rawValue) \(pathAndQuery)")
        if let rejection = await authenticationError(request) {
            return .apiError(rejection)
        }
        let budget = await state.spendRequestBudget()
        var response: Response
        if let budget, budget.exceeded {
            response = .apiError(.rateLimited)
            response.headers[.retryAfter] = String(Int(budget.resetSeconds.rounded(.up)))
        } else if let fault = await state.takeFault(for: pathAndQuery) {
            context.logger.debug(
                "injecting fault", metadata: ["http.path": "\(pathAndQuery)", "fault": "\(fault)"])
            response = await FaultResponder(state: state).respond(with: fault) {
                await respond(request, context: context, next: next)
            }
        } else {
            response = await respond(request, context: context, next: next)
        }
        if let budget {
            // As the real API spells them: "1s", "6m0s", "250ms".
            response.headers[.rateLimitLimitRequests] = String(budget.limit)
            response.headers[.rateLimitRemainingRequests] = String(budget.remaining)
            response.headers[.rateLimitResetRequests] = "\(Int((budget.resetSeconds * 1000).rounded(.up)))ms"
        }
        return response
    }

    private func authenticationError(_ request: Request) async -> SimulatorAPIError? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            return .missingKey
        }
        let key = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        if key.isEmpty { return .missingKey }
        if await state.isRevoked(key) { return .incorrectKey(key) }
        return nil
    }

    private func respond(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async -> Response {
        do {
            return try await next(request, context)
        } catch let error as SimulatorAPIError {
            return .apiError(error)
        } catch let error as HTTPError where error.status == .notFound {
            return .apiError(
                SimulatorAPIError(
                    status: 404, message: "Invalid URL (\(request.method.rawValue) \(request.uri.path))"))
        } catch let error as HTTPError {
            return .apiError(
                SimulatorAPIError(status: error.status.code, message: error.body ?? error.status.reasonPhrase)
            )
        } catch {
            context.logger.error(
                "simulator route failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            return .apiError(.server(status: 500))
        }
    }
}
