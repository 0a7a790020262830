/// OpenAI's published prices for fine-tuning *training*, in US dollars per 1M training
/// tokens, by base model snapshot (SPEC section 10): what a job of an OpenAI account
/// costs when `[prices]` does not say otherwise. `docs/costs.md` cites the page each
/// figure was read from.
///
/// Only figures that were found published are here; a model left out has no price (cost
/// `null`) until `[prices]` gives one: a cost ftd cannot back with a source would be a
/// guess. Reinforcement fine-tuning (`o4-mini-2025-04-16`) is billed per hour of
/// training, not per token, so it has no entry either.
public enum TrainingPrices {
    /// When the figures were read (UTC date).
    public static let readOn = "2026-12-07"

    /// US dollars per 1M training tokens. Exact snapshot names: the API names a job's
    /// model by its snapshot (a job created with `gpt-4o-mini` reads
    /// `gpt-4o-mini-2024-07-18`), and the sources price the fine-tunable snapshots.
    public static let perMillionTokens: [String: Double] = [
        "gpt-4o-2024-08-06": 25.00,
        "gpt-4o-mini-2024-07-18": 3.00,
        // The sources price "GPT-3.5 Turbo" fine-tuning as one; these are its fine-tunable snapshots.
        "gpt-3.5-turbo-0125": 8.00,
        "gpt-3.5-turbo-1106": 8.00,
        "gpt-3.5-turbo-0613": 8.00,
    ]
}
