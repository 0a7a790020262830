import Hummingbird

/// `/_sim/...`: the simulator's own controls, for users and tests. Not API requests: they
/// need no key, are never faulted and are not counted.
struct ControlRoutes: Sendable {
    let state: SimulatorState

    func add(to router: Router<BasicRequestContext>) {
        let control = router.group("_sim")
        control.post("faults") { request, _ in
            var request = request
            guard let json = SimJSON.parse(try await request.bodyBytes()) else {
                return Response.apiError(
                    .invalid("The fault must be a JSON object, e.g. {\"spec\": \"429:count=3\"}."))
            }
            do {
                let rule = try FaultRule.parse(json: json)
                await state.addFault(rule)
                return Response.json(.object([("faults", .int(Int64(await state.activeFaults.count)))]))
            } catch {
                return Response.apiError(.invalid("\(error)"))
            }
        }
        control.delete("faults") { _, _ in
            await state.clearFaults()
            return Response.json(.object([("faults", .int(0))]))
        }
        control.get("requests") { _, _ in
            let log = await state.requestLog
            return Response.json(
                .object([("total", .int(Int64(log.count))), ("requests", .array(log.map(SimJSON.string)))]))
        }
        control.post("requests/reset") { _, _ in
            await state.resetRequestLog()
            return Response.json(.object([("total", .int(0))]))
        }
        control.post("clock/advance") { request, _ in
            guard let text = request.query("seconds"), let seconds = Double(text), seconds >= 0 else {
                return Response.apiError(
                    .invalid("Give the seconds to advance as ?seconds=N (N >= 0).", param: "seconds"))
            }
            await state.advanceClock(by: seconds)
            return Response.json(.object([("now", .int(JobTimeline.seconds(await state.now)))]))
        }
    }
}
