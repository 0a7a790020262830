import Hummingbird

/// `/v1/chat/completions`: lets a user try the model a job produced. In the Azure flavor
/// also the dated surface's `/openai/deployments/{name}/chat/completions`, where the
/// path names the deployment (docs/azure.md: a deployment is named as the model it serves).
struct ChatRoutes: Sendable {
    let state: SimulatorState
    /// `v1` (OpenAI) or `openai/v1` (Azure's v1 surface, where `model` names a deployment).
    var prefix = "v1"

    func add(to router: Router<BasicRequestContext>) {
        router.post(RouterPath(stringLiteral: "\(prefix)/chat/completions")) { request, _ in
            var request = request
            guard let body = SimJSON.parse(try await request.bodyBytes()) else {
                throw SimulatorAPIError.invalid("The request body is not valid JSON.")
            }
            return try await complete(body)
        }
    }

    /// Azure's dated surface: the deployment in the path; a `model` in the body, which
    /// that surface does not take, is replaced by it.
    func addDeployments(to router: Router<BasicRequestContext>) {
        router.post("openai/deployments/:deployment/chat/completions") { request, context in
            var request = request
            let deployment = try context.parameters.require("deployment")
            guard let body = SimJSON.parse(try await request.bodyBytes()), case .object(let pairs) = body
            else {
                throw SimulatorAPIError.invalid("The request body is not valid JSON.")
            }
            return try await complete(
                .object([("model", .string(deployment))] + pairs.filter { $0.0 != "model" }))
        }
    }

    private func complete(_ body: SimJSON) async throws -> Response {
        let (answer, seconds) = try await state.completeChat(body)
        await state.waitUnlessStopping(seconds: await state.wallSeconds(forSimulated: seconds))
        return Response.json(answer)
    }
}
