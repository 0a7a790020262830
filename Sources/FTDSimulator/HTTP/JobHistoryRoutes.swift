import Hummingbird

/// `/v1/fine_tuning/jobs/{id}/events` and `/checkpoints`.
struct JobHistoryRoutes: Sendable {
    let state: SimulatorState
    /// Where the API is: `v1` (OpenAI), `openai/v1` or `openai` (Azure's two surfaces).
    var prefix = "v1"

    func add(to router: Router<BasicRequestContext>) {
        let jobs = router.group(RouterPath(stringLiteral: "\(prefix)/fine_tuning/jobs"))
        jobs.get(":id/events") { request, context in
            Response.json(
                text: try await state.events(
                    of: try context.parameters.require("id"),
                    after: request.query("after"), limit: request.query("limit")
                )
            )
        }
        jobs.get(":id/checkpoints") { request, context in
            Response.json(
                try await state.checkpoints(
                    of: try context.parameters.require("id"),
                    after: request.query("after"), limit: request.query("limit")
                )
            )
        }
    }
}
