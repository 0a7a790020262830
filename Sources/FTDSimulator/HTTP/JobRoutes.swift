import Hummingbird

/// `/v1/fine_tuning/jobs`: list, retrieve, create, cancel, pause, resume.
struct JobRoutes: Sendable {
    let state: SimulatorState
    /// Where the API is: `v1` (OpenAI), `openai/v1` or `openai` (Azure's two surfaces).
    var prefix = "v1"

    func add(to router: Router<BasicRequestContext>) {
        let jobs = router.group(RouterPath(stringLiteral: "\(prefix)/fine_tuning/jobs"))
        jobs.get { request, _ in
            Response.json(await state.listJobs(after: request.query("after"), limit: request.query("limit")))
        }
        jobs.post { request, _ in
            var request = request
            let bytes = try await request.bodyBytes()
            guard let body = SimJSON.parse(bytes) else {
                throw SimulatorAPIError.invalid("The request body is not valid JSON.")
            }
            return Response.json(try await state.createJob(body))
        }
        jobs.get(":id") { _, context in
            Response.json(try await state.retrieveJob(try context.parameters.require("id")))
        }
        jobs.post(":id/cancel") { _, context in
            Response.json(try await state.cancel(try context.parameters.require("id")))
        }
        jobs.post(":id/pause") { _, context in
            Response.json(try await state.pause(try context.parameters.require("id")))
        }
        jobs.post(":id/resume") { _, context in
            Response.json(try await state.resume(try context.parameters.require("id")))
        }
    }
}
