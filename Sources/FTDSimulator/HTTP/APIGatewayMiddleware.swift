import Foundation
import Hummingbird
import Logging

/// In front of every route: gives each answer an `x-request-id`, and for `/v1` requests
/// counts the request, checks the key, injects a configured fault and turns errors into
/// the OpenAI error envelope. `/_sim` control requests are not counted. In the Azure flavor
/// the API is `/openai/...`: the `api-key` header, the dated surface's api-version, and
/// Azure's error envelope (docs/azure.md).
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
        if Self.isAPIPath(path, flavor: state.flavor) {
            response = await handleAPI(request, context: context, next: next)
        } else {
            response = await respond(request, context: context, next: next)
        }
        response.headers[.requestID] = requestID
        return response
    }

    static func isAPIPath(_ path: String, flavor: SimulatorFlavor) -> Bool {
        let root = flavor == .azure ? "/openai" : "/v1"
        return path == root || path.hasPrefix(root + "/")
    }

    private func handleAPI(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async -> Response {
        let pathAndQuery = request.uri.description
        await state.record(request: "\(request.method.rawValue) \(pathAndQuery)")
        let flavor = state.flavor
        if let rejection = await authenticationError(request) {
            return .apiError(rejection, flavor: flavor)
        }
        if flavor == .azure, let rejection = apiVersionError(request) {
            return .apiError(rejection, flavor: flavor)
        }
        let budget = await state.spendRequestBudget()
        var response: Response
        if let budget, budget.exceeded {
            response = .apiError(.rateLimited, flavor: flavor)
            response.headers[.retryAfter] = String(Int(budget.resetSeconds.rounded(.up)))
        } else if let fault = await state.takeFault(for: pathAndQuery) {
            context.logger.debug(
                "injecting fault", metadata: ["http.path": "\(pathAndQuery)", "fault": "\(fault)"])
            response = await FaultResponder(state: state, flavor: flavor).respond(with: fault) {
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
        if state.flavor == .azure { return await azureAuthenticationError(request) }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            return .missingKey
        }
        let key = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        if key.isEmpty { return .missingKey }
        if await state.isRevoked(key) { return .incorrectKey(key) }
        return nil
    }

    /// Azure takes the key in `api-key`; a Bearer token is an Entra ID token, which the
    /// simulator has no way to accept.
    private func azureAuthenticationError(_ request: Request) async -> SimulatorAPIError? {
        let key = request.headers[.apiKey]?.trimmingCharacters(in: .whitespaces) ?? ""
        if key.isEmpty {
            return request.headers[.authorization] == nil ? .azureInvalidKey : .azureInvalidToken
        }
        if await state.isRevoked(key) { return .azureInvalidKey }
        return nil
    }

    /// The dated surface (`/openai/...` outside `/openai/v1/`) serves one api-version; a
    /// request without it, or with another, gets Azure's 404. The v1 surface takes none,
    /// or `v1`/`preview` as Azure's v1 reference allows.
    private func apiVersionError(_ request: Request) -> SimulatorAPIError? {
        let path = request.uri.path
        let version = request.query("api-version")
        if path == "/openai/v1" || path.hasPrefix("/openai/v1/") {
            guard let version else { return nil }
            return ["v1", "preview"].contains(version) ? nil : .azureResourceNotFound
        }
        return version == state.acceptedAPIVersion ? nil : .azureResourceNotFound
    }

    private func respond(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async -> Response {
        let flavor = state.flavor
        do {
            return try await next(request, context)
        } catch let error as SimulatorAPIError {
            return .apiError(error, flavor: flavor)
        } catch let error as HTTPError where error.status == .notFound {
            if flavor == .azure { return .apiError(.azureResourceNotFound, flavor: flavor) }
            return .apiError(
                SimulatorAPIError(
                    status: 404, message: "Invalid URL (\(request.method.rawValue) \(request.uri.path))"))
        } catch let error as HTTPError {
            return .apiError(
                SimulatorAPIError(
                    status: error.status.code, message: error.body ?? error.status.reasonPhrase),
                flavor: flavor
            )
        } catch {
            context.logger.error(
                "simulator route failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            return .apiError(.server(status: 500), flavor: flavor)
        }
    }
}
