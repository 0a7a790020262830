import Hummingbird

/// `/v1/chat/completions`: lets a user try the model a job produced.
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
            let (answer, seconds) = try await state.completeChat(body)
            await state.waitUnlessStopping(seconds: await state.wallSeconds(forSimulated: seconds))
            return Response.json(answer)
        }
    }
}
