/// The base models that take chat-format fine-tuning, and how many tokens of one training
/// example each of them trains on (longer examples are truncated, and billed only up to
/// this length).
///
/// The lengths are the "training example context length" that OpenAI and Azure OpenAI
/// publish per model; they are shorter than the models' context for requests.
public enum FineTuningModels {
    /// What ftd assumes for a job when no model is named.
    public static let defaultModel = "gpt-4o-mini-2024-07-18"

    /// For a model not in `known` (a newer snapshot, another provider's name): the training
    /// context of gpt-3.5-turbo, the shortest of the current chat models, so that a warning
    /// about long examples comes too early rather than too late.
    public static let assumedContextLength = 16_385

    /// Snapshot, the alias that names its family, training context in tokens.
    public static let known: [(model: String, alias: String?, contextLength: Int)] = [
        ("gpt-4.1-2025-04-14", "gpt-4.1", 65_536),
        ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini", 65_536),
        ("gpt-4.1-nano-2025-04-14", "gpt-4.1-nano", 32_768),
        ("gpt-4o-2024-08-06", "gpt-4o", 65_536),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini", 65_536),
        ("gpt-3.5-turbo-0125", "gpt-3.5-turbo", 16_385),
        ("gpt-3.5-turbo-1106", nil, 16_385),
        ("gpt-3.5-turbo-0613", nil, 4_096),
    ]

    /// The training context of `model`, which may be an alias (`gpt-4o-mini`) or a model
    /// fine-tuned from a known one (`ft:gpt-4o-mini-2024-07-18:org::abc`, trained further).
    public static func context(for model: String) -> ModelContext {
        var base = Substring(model)
        if base.hasPrefix("ft:") {
            base = base.dropFirst(3).prefix { $0 != ":" }
        }
        let name = String(base)
        if let entry = known.first(where: { $0.model == name || $0.alias == name }) {
            return ModelContext(model: model, snapshot: entry.model, contextLength: entry.contextLength)
        }
        return ModelContext(model: model, snapshot: nil, contextLength: assumedContextLength)
    }
}
