import Testing

@testable import FTDConfig

/// `[prices]` (SPEC section 10): model name = US dollars per 1M training tokens; anything
/// else is a configuration error naming the key.
struct ConfigPricesTests {
    static let loader = ConfigurationLoader(environment: ["HOME": "/home/u"], fileExists: { _ in false })

    @Test func pricesAreReadByModelName() throws {
        let configuration = try Self.loader.load(
            contents: """
                [prices]
                "gpt-4o-mini-2024-07-18" = 3.0
                "gpt-4.1-2025-04-14" = 25
                "ft:gpt-4o-mini-2024-07-18:acme::abc" = 0
                my_model = 1.25
                """, path: "/etc/ftd/ftd.toml")
        #expect(
            configuration.prices == [
                "gpt-4o-mini-2024-07-18": 3.0, "gpt-4.1-2025-04-14": 25,
                "ft:gpt-4o-mini-2024-07-18:acme::abc": 0,
                "my_model": 1.25,
            ])
    }

    @Test func withoutPricesTheTableIsEmpty() throws {
        #expect(try Self.loader.load(contents: "", path: "/x.toml").prices == [:])
        #expect(try Self.loader.load(contents: "[prices]\n", path: "/x.toml").prices == [:])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let toml: String
        let key: String
        var description: String?
        var testDescription: String { toml }
    }

    static let expected = "expected a price in US dollars per 1M training tokens, like 3.0"

    @Test(arguments: [
        Case(
            toml: "[prices]\n\"gpt-4o-mini-2024-07-18\" = -1", key: "prices.gpt-4o-mini-2024-07-18",
            description: "config: prices.gpt-4o-mini-2024-07-18: \(expected)"),
        Case(
            toml: "[prices]\n\"gpt-4o-mini-2024-07-18\" = \"3.0\"", key: "prices.gpt-4o-mini-2024-07-18",
            description: "config: prices.gpt-4o-mini-2024-07-18: \(expected), got a string"),
        Case(toml: "[prices]\n\"gpt-4o-mini-2024-07-18\" = nan", key: "prices.gpt-4o-mini-2024-07-18"),
        Case(toml: "[prices]\n\"gpt-4o-mini-2024-07-18\" = inf", key: "prices.gpt-4o-mini-2024-07-18"),
        Case(toml: "[prices]\n\"gpt-4o-mini-2024-07-18\" = true", key: "prices.gpt-4o-mini-2024-07-18"),
        Case(toml: "[prices]\n\"gpt-4o-mini-2024-07-18\" = [3.0]", key: "prices.gpt-4o-mini-2024-07-18"),
        Case(
            toml: "[prices]\ngpt-4.1-2025-04-14 = 25.0", key: "prices.gpt-4",
            description:
                "config: prices.gpt-4: \(expected); a model name with a dot must be quoted, like \"gpt-4.1-2025-04-14\" = 25.0"
        ),
        Case(toml: "[prices]\n\"\" = 3.0", key: "prices"),
        Case(toml: "prices = 3", key: "prices"),
        Case(toml: "[[prices]]\nmodel = \"x\"", key: "prices"),
    ])
    func aWrongPriceNamesItsKey(_ testCase: Case) {
        let error = #expect(throws: ConfigurationError.self) {
            try Self.loader.load(contents: testCase.toml, path: "/etc/ftd/ftd.toml")
        }
        #expect(error?.key == testCase.key, "\(String(describing: error))")
        #expect(
            error?.description.hasPrefix("config: \(testCase.key): ") == true, "\(String(describing: error))")
        if let description = testCase.description { #expect(error?.description == description) }
    }
}
