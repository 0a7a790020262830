import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel

@Suite struct ResultFileParserTests {
    @Test func plainCSV() throws {
        let steps = ResultFileParser.steps(jobID: "ftjob-1", data: try Fixtures.data("result-file.csv"))
        #expect(steps.map(\.step) == [1, 2, 3, 4, 5])
        #expect(
            steps[0]
                == LossStep(jobID: "ftjob-1", step: 1, trainLoss: 1.52347, trainMeanTokenAccuracy: 0.0))
        #expect(
            steps[3]
                == LossStep(
                    jobID: "ftjob-1", step: 4, trainLoss: 0.42174, trainMeanTokenAccuracy: 0.75,
                    validLoss: 0.48613,
                    validMeanTokenAccuracy: 0.71429))
    }

    @Test func base64BodyGivesTheSameSteps() throws {
        let plain = ResultFileParser.steps(jobID: "j", data: try Fixtures.data("result-file.csv"))
        let encoded = ResultFileParser.steps(jobID: "j", data: try Fixtures.data("result-file.csv.b64"))
        #expect(!plain.isEmpty)
        #expect(encoded == plain)
    }

    @Test func missingValues() {
        let csv = """
            step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy
            1,-1,NaN,,0.5
            2,0.25,nan,-1,
            x,0.1,0.1,0.1,0.1
            """
        let steps = ResultFileParser.steps(jobID: "j", data: Data(csv.utf8))
        #expect(
            steps == [
                LossStep(jobID: "j", step: 1, validMeanTokenAccuracy: 0.5),
                LossStep(jobID: "j", step: 2, trainLoss: 0.25),
            ])
    }

    @Test func windowsLineEndingsAndEmptyFile() {
        let csv =
            "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\r\n7,0.5,1.0,,\r\n"
        #expect(ResultFileParser.steps(jobID: "j", data: Data(csv.utf8)).map(\.trainLoss) == [0.5])
        #expect(ResultFileParser.steps(jobID: "j", data: Data()).isEmpty)
    }
}
