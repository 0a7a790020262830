import ArgumentParser
import FTDTerminal
import FTDTrainingFile
import Foundation

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a chat-format training file before uploading it, and estimate its tokens.",
        discussion: """
            Reports each problem the API's validation would refuse as FILE:LINE: message \
            on stdout, then the examples, estimated tokens and billed tokens at the default \
            epochs. Reads only the files: no API key, no network. Exits 0 when the files are \
            valid, 65 when they are not, 66 when one cannot be read. \
            See docs/training-files.md.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(
        help: ArgumentHelp("The training file (JSON Lines, one example a line).", valueName: "file.jsonl"))
    var file: String

    @Option(help: ArgumentHelp("A validation file, checked the same way.", valueName: "file.jsonl"))
    var validationFile: String?

    @Option(help: "The base model, for its training context (default: \(FineTuningModels.defaultModel)).")
    var model: String?

    @Flag(help: "Print a JSON report instead of text.")
    var json = false

    func run() async throws {
        let report: TrainingFileReport
        do {
            report = try TrainingFileValidator.validate(
                path: file, validationFile: validationFile, model: model)
        } catch {
            throw Failure(message: error.description, code: Failure.noInput)
        }
        Terminal.write(
            json
                ? report.json().rendered() + "\n"
                : TrainingFileReportView.render(
                    report, color: Terminal.stdoutSupportsColor, width: Terminal.width))
        if !report.isValid {
            let count = report.problemCountText
            let files = [report.training.file] + (report.validation.map { [$0.file] } ?? [])
            throw Failure(
                message:
                    "\(count) in \(files.joined(separator: " and ")) (listed on stdout): fix them and run ftd validate again",
                code: Failure.dataError)
        }
    }
}
