import Foundation
import Testing

@testable import FTDModel

@Suite struct DecodingJobTests {
    static let jobFixtures =
        (try? Fixtures.names(withSuffix: ".json").filter { $0.hasPrefix("job-") }) ?? []

    @Test func everyJobFixtureIsFound() {
        #expect(Self.jobFixtures.count >= 7)
    }

    @Test(arguments: jobFixtures)
    func decodesEveryJobFixture(name: String) throws {
        let data = try Fixtures.data(name)
        let job = try FineTuningJob(body: data)
        #expect(job.id.hasPrefix("ftjob-"))
        #expect(!job.status.isEmpty)
        #expect(job.raw == (try JSONValue.parse(data)))
        #expect(job.createdAt != nil)
        #expect(job.model != nil)
    }

    @Test func succeededJobHasItsFields() throws {
        let job = try FineTuningJob(body: Fixtures.data("job-spec-succeeded.json"))
        #expect(job.status == "succeeded")
        #expect(job.isTerminal)
        #expect(job.model == "davinci-002")
        #expect(job.createdAt == 1_692_661_014)
        #expect(job.finishedAt == 1_692_661_190)
        #expect(job.fineTunedModel == "ft:davinci-002:my-org:custom_suffix:7q8mpxmy")
        #expect(job.trainedTokens == 5768)
        #expect(job.estimatedFinish == 0)
        #expect(job.trainingFile == "file-abc123")
        #expect(job.validationFile == nil)
        #expect(job.resultFiles == ["file-abc123"])
        #expect(job.error == nil)
        #expect(job.raw["metadata"]?["key"] == .string("value"))
    }

    @Test(arguments: [
        "job-spec-queued-all-null-error.json", "job-running-empty-error.json",
        "job-dpo-null-hyperparameters.json",
        "job-paused.json", "job-azure-legacy-pending.json", "job-spec-succeeded.json",
    ])
    func noErrorWhenTheAPISaysNone(name: String) throws {
        #expect(try FineTuningJob(body: Fixtures.data(name)).error == nil)
    }

    @Test func failedJobKeepsItsError() throws {
        let job = try FineTuningJob(body: Fixtures.data("job-failed-invalid-n-examples.json"))
        #expect(job.status == "failed")
        #expect(job.finishedAt == 1_735_477_950)
        #expect(
            job.error
                == JobError(
                    code: "invalid_n_examples",
                    message: "Training file has 7 example(s), but must have at least 10 examples",
                    param: "training_file"))
    }

    @Test func statusOutsideTheDocumentedSetIsKept() throws {
        #expect(try FineTuningJob(body: Fixtures.data("job-paused.json")).status == "paused")
        let azure = try FineTuningJob(body: Fixtures.data("job-azure-legacy-pending.json"))
        #expect(azure.status == "pending")
        #expect(azure.resultFiles == [])
        #expect(azure.suffix == "elle")
    }

    @Test func suffixPrefersUserProvidedSuffix() throws {
        let json = try JSONValue.parse(
            Data(
                #"{"id":"ftjob-1","status":"queued","user_provided_suffix":"mine","suffix":"other"}"#.utf8))
        #expect(try FineTuningJob(json: json).suffix == "mine")
    }

    @Test func numbersSentAsFloatsAndUnexpectedTypesAreTolerated() throws {
        let body = #"""
            {"id":"ftjob-1","status":"running","created_at":1715566184.0,"trained_tokens":12.0,
             "finished_at":"soon","model":42,"result_files":["file-1",7,null],"error":"boom",
             "hyperparameters":null,"organization_id":null,"brand_new_field":{"x":[1,2]}}
            """#
        let job = try FineTuningJob(body: Data(body.utf8))
        #expect(job.createdAt == 1_715_566_184)
        #expect(job.trainedTokens == 12)
        #expect(job.finishedAt == nil)
        #expect(job.model == nil)
        #expect(job.resultFiles == ["file-1"])
        #expect(job.error == JobError(code: nil, message: "boom", param: nil))
    }

    @Test func listOfJobsDecodesWithHasMore() throws {
        let page = try ListPage.jobs(body: Fixtures.data("jobs-list.json"))
        #expect(page.hasMore)
        #expect(page.data.map(\.id) == ["ftjob-Usfb9RjasncaZ5Cjbuh1XSCh", "ftjob-abc123"])
        #expect(page.data.map(\.status) == ["running", "succeeded"])
    }
}
