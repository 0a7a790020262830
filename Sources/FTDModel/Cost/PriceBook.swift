/// The one place a job's training price and cost are worked out (SPEC section 10), for
/// `ftd history`, `ftd report` and the dashboard alike.
///
/// A price is looked up by the job's model as stored and then by its base model (a job
/// that trains a fine-tuned model further has `model` = `ft:BASE:org::id`): first in
/// `configured` (the configuration's `[prices]`, which overrides or adds), then, for an
/// account that is not Azure, in the built-in table of OpenAI's list prices. Azure OpenAI
/// bills training differently (by the hour, per region), so its accounts' jobs are priced
/// only from `[prices]`. A model with no price has no cost: never a guess.
public struct PriceBook: Sendable, Equatable {
    /// `[prices]`: US dollars per 1M training tokens by model name.
    public var configured: [String: Double]
    /// The accounts whose provider is Azure: no built-in price applies to their jobs.
    public var azureAccounts: Set<String>
    /// OpenAI's list prices (`TrainingPrices`); a test may give another table.
    public var builtIn: [String: Double]

    public init(
        configured: [String: Double] = [:], azureAccounts: Set<String> = [],
        builtIn: [String: Double] = TrainingPrices.perMillionTokens
    ) {
        self.configured = configured
        self.azureAccounts = azureAccounts
        self.builtIn = builtIn
    }

    /// US dollars per 1M training tokens for a job of `account` on `model`; nil when no
    /// price is known.
    public func pricePerMillionTokens(model: String?, account: String) -> Double? {
        guard let model, !model.isEmpty else { return nil }
        let names = Self.lookupNames(model)
        for name in names {
            if let price = configured[name] { return price }
        }
        guard !azureAccounts.contains(account) else { return nil }
        for name in names {
            if let price = builtIn[name] { return price }
        }
        return nil
    }

    /// `trainedTokens` at `model`'s price; nil without a price.
    /// nil also for a negative token count (a broken answer is no count) and for a product
    /// too large for a number (an absurd price).
    public func cost(trainedTokens: Int64, model: String?, account: String) -> Double? {
        guard trainedTokens >= 0,
            let cost = pricePerMillionTokens(model: model, account: account).map({
                Double(trainedTokens) * $0 / 1_000_000
            }),
            cost.isFinite
        else { return nil }
        return cost
    }

    /// A job's cost: final when the API reported its trained tokens; estimated from
    /// `estimatedTokens` while the job has not finished (a terminal job without trained
    /// tokens billed nothing the API reports, so its estimate no longer stands); nil when
    /// neither applies or the model has no price.
    public func cost(
        model: String?, account: String, status: String, trainedTokens: Int64?, estimatedTokens: Int64?
    ) -> JobCost? {
        if let trainedTokens {
            return cost(trainedTokens: trainedTokens, model: model, account: account).map {
                JobCost(usd: $0)
            }
        }
        guard let estimatedTokens, !JobStatus.isTerminal(status) else { return nil }
        return cost(trainedTokens: estimatedTokens, model: model, account: account).map {
            JobCost(usd: $0, isEstimate: true)
        }
    }

    /// The base model of a fine-tuned one: `ft:gpt-4o-mini-2024-07-18:org::abc` (and its
    /// checkpoints, `…:ckpt-step-80`) → `gpt-4o-mini-2024-07-18`; any other name as it is.
    public static func baseModel(of model: String) -> String {
        guard model.hasPrefix("ft:") else { return model }
        let base = model.dropFirst(3).prefix { $0 != ":" }
        return base.isEmpty ? model : String(base)
    }

    /// The exact name first, so that `[prices]` can price one fine-tuned model apart.
    static func lookupNames(_ model: String) -> [String] {
        let base = baseModel(of: model)
        return base == model ? [model] : [model, base]
    }
}
