import Testing

@testable import FTDConfig
@testable import FTDModel

/// How a job is priced (SPEC section 10): `[prices]` over OpenAI's list prices, by the
/// exact model and then its base; Azure accounts from `[prices]` only; no price, no cost.
struct PriceBookTests {
    static let listPrices: [String: Double] = ["gpt-4o-mini-2024-07-18": 3.0, "gpt-3.5-turbo-0125": 8.0]

    static func book(_ configured: [String: Double] = [:], azure: Set<String> = []) -> PriceBook {
        PriceBook(configured: configured, azureAccounts: azure, builtIn: listPrices)
    }

    @Test func anExactSnapshotHasItsListPrice() {
        #expect(Self.book().pricePerMillionTokens(model: "gpt-4o-mini-2024-07-18", account: "default") == 3.0)
        #expect(Self.book().pricePerMillionTokens(model: "gpt-3.5-turbo-0125", account: "research") == 8.0)
    }

    @Test(arguments: [
        "ft:gpt-4o-mini-2024-07-18:org::abc123",
        "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:abc123",
        "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:abc123:ckpt-step-80",
    ])
    func aFineTunedModelIsPricedByItsBase(_ model: String) {
        #expect(PriceBook.baseModel(of: model) == "gpt-4o-mini-2024-07-18")
        #expect(Self.book().pricePerMillionTokens(model: model, account: "default") == 3.0)
    }

    @Test(arguments: [
        "gpt-4o-mini", "gpt-4.1-2025-04-14", "o4-mini-2025-04-16", "ft:", "ft:unknown:org::x", "",
    ])
    func aModelWithoutAPriceHasNone(_ model: String) {
        #expect(Self.book().pricePerMillionTokens(model: model, account: "default") == nil)
        #expect(Self.book().cost(trainedTokens: 1_000_000, model: model, account: "default") == nil)
    }

    /// A broken answer (a negative count) or an absurd price gives no cost, never a
    /// negative or infinite one that would throw a total off.
    @Test func aNegativeCountOrAnOverflowingProductHasNoCost() {
        #expect(
            Self.book().cost(trainedTokens: -5, model: "gpt-4o-mini-2024-07-18", account: "default") == nil)
        let absurd = Self.book(["gpt-4o-mini-2024-07-18": 1e308])
        #expect(absurd.cost(trainedTokens: .max, model: "gpt-4o-mini-2024-07-18", account: "default") == nil)
        #expect(Self.book().cost(trainedTokens: 0, model: "gpt-4o-mini-2024-07-18", account: "default") == 0)
    }

    @Test func noModelHasNoPrice() {
        #expect(Self.book().pricePerMillionTokens(model: nil, account: "default") == nil)
    }

    @Test func pricesOverrideAndAdd() {
        let book = Self.book(["gpt-4o-mini-2024-07-18": 2.5, "gpt-4.1-2025-04-14": 25])
        #expect(book.pricePerMillionTokens(model: "gpt-4o-mini-2024-07-18", account: "default") == 2.5)
        #expect(
            book.pricePerMillionTokens(model: "ft:gpt-4o-mini-2024-07-18:o::x", account: "default") == 2.5)
        #expect(book.pricePerMillionTokens(model: "gpt-4.1-2025-04-14", account: "default") == 25)
        #expect(book.pricePerMillionTokens(model: "gpt-3.5-turbo-0125", account: "default") == 8)
    }

    @Test func aFineTunedModelCanBePricedApartFromItsBase() {
        let book = Self.book(["ft:gpt-4o-mini-2024-07-18:o::special": 1.0])
        #expect(
            book.pricePerMillionTokens(model: "ft:gpt-4o-mini-2024-07-18:o::special", account: "a") == 1.0)
        #expect(book.pricePerMillionTokens(model: "ft:gpt-4o-mini-2024-07-18:o::other", account: "a") == 3.0)
    }

    @Test func aFreePriceIsAPrice() {
        let book = Self.book(["gpt-4o-mini-2024-07-18": 0])
        #expect(book.cost(trainedTokens: 5_000, model: "gpt-4o-mini-2024-07-18", account: "a") == 0)
    }

    @Test func anAzureAccountIsPricedFromPricesOnly() {
        let azure = Self.book(azure: ["azure-eu"])
        #expect(azure.pricePerMillionTokens(model: "gpt-4o-mini-2024-07-18", account: "azure-eu") == nil)
        #expect(azure.pricePerMillionTokens(model: "gpt-4o-mini-2024-07-18", account: "default") == 3.0)
        let priced = Self.book(["gpt-4o-mini-2024-07-18": 4.4], azure: ["azure-eu"])
        #expect(priced.pricePerMillionTokens(model: "gpt-4o-mini-2024-07-18", account: "azure-eu") == 4.4)
        #expect(priced.pricePerMillionTokens(model: "gpt-3.5-turbo-0125", account: "azure-eu") == nil)
    }

    @Test func theConfigurationsPriceBookKnowsItsAzureAccounts() throws {
        let loader = ConfigurationLoader(environment: ["HOME": "/home/u"], fileExists: { _ in false })
        let configuration = try loader.load(
            contents: """
                [[accounts]]
                name = "research"

                [[accounts]]
                name = "azure-eu"
                provider = "azure"
                endpoint = "https://r.openai.azure.com"

                [prices]
                "gpt-4.1-2025-04-14" = 25
                """, path: "/x.toml")
        let book = configuration.priceBook
        #expect(book.azureAccounts == ["azure-eu"])
        #expect(book.configured == ["gpt-4.1-2025-04-14": 25])
        #expect(book.builtIn == TrainingPrices.perMillionTokens)
        #expect(book.pricePerMillionTokens(model: "gpt-4o-mini-2024-07-18", account: "research") == 3.0)
        #expect(book.pricePerMillionTokens(model: "gpt-4o-mini-2024-07-18", account: "azure-eu") == nil)
        #expect(book.pricePerMillionTokens(model: "gpt-4.1-2025-04-14", account: "azure-eu") == 25)
    }

    /// Dollars written by hand: 1,234,567 tokens at $3.00 per 1M is $3.703701.
    @Test func aFinishedJobsCostIsItsTrainedTokensAtItsPrice() {
        let cost = Self.book().cost(
            model: "gpt-4o-mini-2024-07-18", account: "default", status: "succeeded",
            trainedTokens: 1_234_567,
            estimatedTokens: 999)
        #expect(cost?.isEstimate == false)
        #expect(cost?.roundedUSD == 3.703701)
        #expect(JobCost.rounded(Double(9_920) * 8 / 1_000_000) == 0.07936)
    }

    @Test func aRunningJobWithAnEstimateHasAnEstimatedCost() {
        let cost = Self.book().cost(
            model: "gpt-3.5-turbo-0125", account: "default", status: "running", trainedTokens: nil,
            estimatedTokens: 150_000)
        #expect(cost == JobCost(usd: 1.2, isEstimate: true))
    }

    @Test(arguments: ["succeeded", "failed", "cancelled"])
    func aFinishedJobWithoutTrainedTokensHasNoCostWhateverItsEstimate(_ status: String) {
        #expect(
            Self.book().cost(
                model: "gpt-3.5-turbo-0125", account: "default", status: status, trainedTokens: nil,
                estimatedTokens: 150_000) == nil)
    }

    @Test func aJobWithNeitherTokensNorEstimateHasNoCost() {
        #expect(
            Self.book().cost(
                model: "gpt-3.5-turbo-0125", account: "default", status: "running", trainedTokens: nil,
                estimatedTokens: nil) == nil)
    }

    @Test func theBuiltInTableHoldsOnlySourcedPerTokenPrices() {
        let table = TrainingPrices.perMillionTokens
        #expect(table.values.allSatisfy { $0 > 0 && $0.isFinite })
        // Billed per hour (reinforcement fine-tuning) or without a source: no entry.
        for model in [
            "o4-mini-2025-04-16", "gpt-4.1-2025-04-14", "davinci-002", "babbage-002", "gpt-4o-mini",
        ] {
            #expect(table[model] == nil, "\(model)")
        }
        #expect(table["gpt-4o-mini-2024-07-18"] == 3.0)
        #expect(UTCMonth(String(TrainingPrices.readOn.prefix(7))) != nil)
    }
}

/// `ftd report --month`: a month in UTC, its first instant and the next month's.
struct UTCMonthTests {
    @Test(arguments: [
        ("2026-11", 1_793_491_200, 1_796_083_200),
        ("2026-12", 1_796_083_200, 1_798_761_600),
        ("1970-01", 0, 2_678_400),
        ("2024-02", 1_706_745_600, 1_709_251_200),  // a leap February: 29 days
        ("2000-03", 951_868_800, 954_547_200),
    ])
    func aMonthRunsFromItsFirstInstantToTheNextMonths(_ text: String, _ start: Int64, _ end: Int64) throws {
        let month = try #require(UTCMonth(text))
        #expect(month.start == start)
        #expect(month.end == end)
        #expect(month.description == text)
    }

    @Test func theLastSecondOfNovemberIsInNovemberAndMidnightIsDecember() throws {
        let november = try #require(UTCMonth("2026-11"))
        let december = try #require(UTCMonth("2026-12"))
        let lastSecond: Int64 = 1_796_083_199  // 2026-11-30T23:59:59Z
        let midnight: Int64 = 1_796_083_200  // 2026-12-01T00:00:00Z
        #expect(november.contains(lastSecond) && !december.contains(lastSecond))
        #expect(december.contains(midnight) && !november.contains(midnight))
    }

    @Test(arguments: [
        "2026-13", "2026-00", "2026-1", "26-11", "2026/11", "2026-11-01", "", "november", "２０２６-11",
        "+026-11",
        "2026- 1", "0000-01",
    ])
    func anythingButAMonthAsYYYYMMIsRefused(_ text: String) {
        #expect(UTCMonth(text) == nil)
    }
}
