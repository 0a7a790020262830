import FTDTrainingFile
import Testing

@Suite struct FineTuningModelsTests {
    @Test(arguments: [
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-18", 65_536),
        ("gpt-4o-mini", "gpt-4o-mini-2024-07-18", 65_536),
        ("gpt-4o-2024-08-06", "gpt-4o-2024-08-06", 65_536),
        ("gpt-4.1-2025-04-14", "gpt-4.1-2025-04-14", 65_536),
        ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini-2025-04-14", 65_536),
        ("gpt-4.1-nano-2025-04-14", "gpt-4.1-nano-2025-04-14", 32_768),
        ("gpt-3.5-turbo-0125", "gpt-3.5-turbo-0125", 16_385),
        ("gpt-3.5-turbo", "gpt-3.5-turbo-0125", 16_385),
        ("ft:gpt-4.1-nano-2025-04-14:acme::abc123", "gpt-4.1-nano-2025-04-14", 32_768),
    ])
    func knownModelsHaveTheirTrainingContext(model: String, snapshot: String, length: Int) {
        let context = FineTuningModels.context(for: model)
        #expect(context.snapshot == snapshot)
        #expect(context.contextLength == length)
        #expect(context.isKnown)
        #expect(context.model == model)
    }

    @Test(arguments: ["my-azure-deployment", "gpt-5-2030-01-01", "ft:", "gpt-4o-mini-2024-07-18x"])
    func anUnknownModelGetsTheStatedDefault(model: String) {
        let context = FineTuningModels.context(for: model)
        #expect(!context.isKnown)
        #expect(context.contextLength == FineTuningModels.assumedContextLength)
        #expect(FineTuningModels.assumedContextLength == 16_385)
    }

    @Test func theDefaultModelIsKnown() {
        #expect(FineTuningModels.context(for: FineTuningModels.defaultModel).isKnown)
    }
}
