import FTDSimulator
import FTDTrainingFile
import Testing

@Suite struct DefaultEpochsTests {
    static let cases = [
        (1, 25), (3, 25), (4, 25), (5, 20), (7, 14), (10, 10), (12, 8), (14, 7), (33, 3), (34, 3),
        (1_000, 3), (8_333, 3), (8_334, 2), (12_500, 2), (12_501, 1), (100_000, 1), (0, 25),
    ]

    /// The cookbook's rule, with integer division: 3 epochs unless that makes fewer than
    /// 100 or more than 25,000 example passes; always 1...25.
    @Test(arguments: cases)
    func followsTheCookbook(examples: Int, epochs: Int) {
        #expect(DefaultEpochs.forExamples(examples) == epochs)
    }

    /// `ftd validate` estimates the bill of the job the simulator then runs.
    @Test(arguments: cases)
    func theSimulatorRunsAsManyEpochs(examples: Int, epochs: Int) {
        #expect(JobScript.automaticEpochs(examples: examples) == epochs)
    }
}
