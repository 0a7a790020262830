/// A job as the simulator holds it: identity, script, and what clients did to it.
/// Everything else (status, events, checkpoints) follows from these and the clock.
struct SimulatedJob: Sendable {
    let id: String
    /// Simulated unix seconds (fractional); answers show it rounded down.
    let createdAt: Double
    /// The script, with `trainingFile` and `seed` resolved.
    let script: JobScript
    /// Feeds every deterministic choice of this job: event ids, loss noise, model name.
    let generatorSeed: UInt64
    /// Order of creation, which breaks ties between equal `created_at`s.
    let sequence: Int
    /// Which API shows the job: Azure names its models, events and statuses its own way.
    var flavor: SimulatorFlavor = .openai
    var interventions: [Intervention] = []

    var seed: Int64 { script.seed ?? 0 }

    var fineTunedModel: String {
        if flavor == .azure {
            // Azure: `gpt-35-turbo-0613.ft-<the job id's hex>[-suffix]` (docs/azure.md).
            let hex = id.hasPrefix("ftjob-") ? String(id.dropFirst("ftjob-".count)) : id
            return "\(script.model).ft-\(hex)" + (script.suffix.flatMap { $0.isEmpty ? nil : "-\($0)" } ?? "")
        }
        var generator = SeededGenerator.derived(from: generatorSeed, purpose: 1)
        return "ft:\(script.model):ftd-sim:\(script.suffix ?? ""):\(generator.alphanumeric(8))"
    }

    var resultFileID: String {
        var generator = SeededGenerator.derived(from: generatorSeed, purpose: 2)
        return "file-" + generator.alphanumeric(24)
    }

    func eventID(_ index: Int) -> String {
        var generator = SeededGenerator.derived(from: generatorSeed, purpose: 1000 + UInt64(index))
        return "ftevent-" + generator.alphanumeric(24)
    }

    func checkpointID(step: Int) -> String {
        var generator = SeededGenerator.derived(from: generatorSeed, purpose: 10_000_000 + UInt64(step))
        return "ftckpt_" + generator.alphanumeric(24)
    }
}

/// Something a client asked of a job: pause, resume or cancel, at a simulated time.
struct Intervention: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case pause, resume, cancel
    }

    let kind: Kind
    let at: Double
}
