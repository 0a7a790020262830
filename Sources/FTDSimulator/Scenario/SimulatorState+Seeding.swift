extension SimulatorState {
    /// Puts the configured scenario's files and jobs in place, all relative to the clock's start.
    func seed(_ configuration: SimulatorConfiguration) {
        let start = now
        seedFinishedJobs(configuration.finishedJobs, steps: configuration.finishedJobSteps, before: start)
        seedActiveJobs(configuration.activeJobs, at: start)
        let scenario = configuration.scenario
        guard scenario != .empty,
            let trainingFile = seedFile(ElleScenario.trainingFilename, ElleScenario.trainingData)
        else { return }
        let validationFile =
            scenario == .overfitting
            ? seedFile(AlertScenarios.validationFilename, AlertScenarios.validationData) : nil
        let script =
            AlertScenarios.script(scenario, trainingFile: trainingFile, validationFile: validationFile)
            ?? ElleScenario.script(trainingFile: trainingFile)
        addJob(script, createdAt: start)
    }

    /// A scenario's file, processed from the start; its id.
    private func seedFile(_ filename: String, _ content: String) -> String? {
        let file = uploadFile(
            filename: filename, purpose: "fine-tune", content: Array(content.utf8), processingSeconds: 0)
        return file["id"]?.stringValue
    }

    /// Jobs that succeeded days ago, spaced 15 minutes apart, oldest first, each of
    /// `steps` steps: 3 epochs when `steps` divides by 3, else one.
    private func seedFinishedJobs(_ count: Int, steps: Int, before start: Double) {
        guard count > 0 else { return }
        let epochs = steps % 3 == 0 ? 3 : 1
        let models = ["gpt-4o-mini-2024-07-18", "gpt-3.5-turbo-0125", "gpt-4o-2024-08-06"]
        for index in 0..<count {
            let created = start - 7 * 86_400 - Double(count - index) * 900
            addJob(
                JobScript(
                    model: models[index % models.count], suffix: "archive-\(index + 1)",
                    examples: max(1, steps / epochs), epochs: epochs
                ),
                createdAt: created
            )
        }
    }

    /// Jobs that have been running for about three hours and need two more days.
    private func seedActiveJobs(_ count: Int, at start: Double) {
        guard count > 0 else { return }
        for index in 0..<count {
            let created = start - 3 * 3_600 - Double(count - index) * 60
            addJob(
                JobScript(
                    model: "gpt-4o-mini-2024-07-18", suffix: "long-\(index + 1)",
                    examples: 2_000, epochs: 3,
                    durations: JobDurations(validating: 60, queued: 120, perStep: 30, finishing: 60)
                ),
                createdAt: created
            )
        }
    }
}
