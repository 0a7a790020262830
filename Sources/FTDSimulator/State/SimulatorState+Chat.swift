extension SimulatorState {
    /// `POST /chat/completions`: the answer, and the simulated seconds it takes to write.
    func completeChat(_ body: SimJSON) throws(SimulatorAPIError) -> (answer: SimJSON, seconds: Double) {
        let request = try ChatRequest(body: body)
        let completion = ChatCompletion(request: request, voice: try voice(of: request.model))
        chatCounter += 1
        var idGenerator = SeededGenerator.derived(from: 0xC4A7, purpose: chatCounter)
        let answer = APIObjects.chatCompletion(
            completion, id: "chatcmpl-" + idGenerator.alphanumeric(29), created: JobTimeline.seconds(now),
            model: request.model)
        return (answer, Double(completion.completionTokens) * chatSecondsPerToken)
    }

    /// A base model (any name without `ft:`), or the fine-tuned model or a kept checkpoint of
    /// a job that has succeeded by now; anything else does not exist (yet).
    ///
    /// Azure has no `ft:` names: `model` is a deployment, named as the model it serves
    /// (the simulator's stand-in for deployments). A fine-tuned model's name
    /// (`….ft-<hex>`) that no succeeded job made is a deployment that does not exist.
    func voice(of model: String) throws(SimulatorAPIError) -> ChatVoice {
        let fineTuned = flavor == .azure ? model.contains(".ft-") : model.hasPrefix("ft:")
        guard fineTuned else { return .base }
        let now = self.now
        for job in jobs.values where job.createdAt <= now {
            let timeline = JobTimeline(job: job)
            let name = job.fineTunedModel
            let checkpoints = timeline.checkpointSteps.filter { $0 < job.script.totalSteps }
            guard model == name || checkpoints.contains(where: { "\(name):ckpt-step-\($0)" == model }) else {
                continue
            }
            guard timeline.status(at: now) == "succeeded" else { break }
            let content = job.script.trainingFile.flatMap { files[$0]?.content } ?? []
            return .fineTuned(TrainingExchange.exchanges(in: content))
        }
        throw flavor == .azure ? .azureDeploymentNotFound : .modelNotFound(model)
    }

    /// Wall-clock seconds that `simulated` seconds take: none on the manual clock, which
    /// only moves when told to.
    func wallSeconds(forSimulated simulated: Double) -> Double {
        guard case .scaled = clock.mode, clock.speed > 0 else { return 0 }
        return simulated / clock.speed
    }

    /// Sleeps in short slices so that stopping the simulator never waits out a long delay.
    nonisolated func waitUnlessStopping(seconds: Double) async {
        guard seconds > 0 else { return }
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
        while ContinuousClock.now < deadline, !Task.isCancelled, await !isStopping {
            let remaining = ContinuousClock.now.duration(to: deadline)
            try? await Task.sleep(for: min(remaining, .milliseconds(50)))
        }
    }
}
