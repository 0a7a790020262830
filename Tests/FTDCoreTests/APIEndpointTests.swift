import Foundation
import Testing

@testable import FTDAPI

@Suite struct APIEndpointTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let base: String
        let endpoint: APIEndpoint
        let url: String
        var testDescription: String { url }
    }

    static let cases: [Case] = [
        Case(
            base: "https://api.openai.com/v1",
            endpoint: .page(["fine_tuning", "jobs"], after: nil, limit: 20),
            url: "https://api.openai.com/v1/fine_tuning/jobs?limit=20"),
        Case(
            base: "https://api.openai.com/v1/",
            endpoint: APIEndpoint(.get, ["fine_tuning", "jobs", "ftjob-1"]),
            url: "https://api.openai.com/v1/fine_tuning/jobs/ftjob-1"),
        Case(
            base: "http://127.0.0.1:8080/v1//",
            endpoint: .page(
                ["fine_tuning", "jobs", "ftjob-1", "events"], after: "ftevent-a b&c=d/e", limit: 100),
            url:
                "http://127.0.0.1:8080/v1/fine_tuning/jobs/ftjob-1/events?after=ftevent-a%20b%26c%3Dd%2Fe&limit=100"
        ),
        Case(
            base: "http://h/v1", endpoint: APIEndpoint(.get, ["fine_tuning", "jobs", "../../admin"]),
            url: "http://h/v1/fine_tuning/jobs/..%2F..%2Fadmin"),
        Case(
            base: "https://x.openai.azure.com/openai?api-version=2024-10-21",
            endpoint: .page(["fine_tuning", "jobs"], after: "ftjob-2", limit: 5),
            url:
                "https://x.openai.azure.com/openai/fine_tuning/jobs?api-version=2024-10-21&after=ftjob-2&limit=5"
        ),
    ]

    @Test(arguments: cases)
    func buildsURLs(_ testCase: Case) {
        #expect(testCase.endpoint.url(baseURL: testCase.base) == testCase.url)
    }

    @Test func descriptionIsMethodAndPathOnly() {
        let endpoint = APIEndpoint.page(
            ["fine_tuning", "jobs", "ftjob-x", "events"], after: "ftevent-1", limit: 20)
        #expect(endpoint.description == "GET /fine_tuning/jobs/ftjob-x/events")
        #expect(
            APIEndpoint(.post, ["fine_tuning", "jobs", "ftjob-x", "cancel"]).description
                == "POST /fine_tuning/jobs/ftjob-x/cancel")
    }
}
