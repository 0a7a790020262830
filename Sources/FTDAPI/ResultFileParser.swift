import FTDModel
import Foundation

/// Reads a job's result file (`result_files[0]`): the CSV
/// `step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy`, which real
/// downloads sometimes deliver base64-encoded.
public enum ResultFileParser {
    /// One `LossStep` per row with a whole step number; rows that are not are skipped.
    /// Empty cells, `-1` and `NaN` are missing values. Columns are found by their header,
    /// so a file with extra or reordered columns still reads.
    public static func steps(jobID: String, data: Data) -> [LossStep] {
        let text = csvText(data)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { return [] }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ names: String...) -> Int? {
            names.lazy.compactMap { header.firstIndex(of: $0) }.first
        }
        guard let stepColumn = column("step") else { return [] }
        let trainLoss = column("train_loss")
        let trainAccuracy = column("train_accuracy", "train_mean_token_accuracy")
        let validLoss = column("valid_loss")
        let validAccuracy = column("valid_mean_token_accuracy", "valid_accuracy")
        let fullValidLoss = column("full_valid_loss")
        let fullValidAccuracy = column("full_valid_mean_token_accuracy")

        return lines.compactMap { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            func number(_ index: Int?) -> Double? {
                guard let index, index < cells.count, let value = Double(cells[index]) else { return nil }
                return value.isFinite && value != -1 ? value : nil
            }
            guard let stepValue = number(stepColumn), stepValue == stepValue.rounded(),
                abs(stepValue) < 1e15
            else { return nil }
            return LossStep(
                jobID: jobID, step: Int(stepValue), trainLoss: number(trainLoss),
                trainMeanTokenAccuracy: number(trainAccuracy), validLoss: number(validLoss),
                validMeanTokenAccuracy: number(validAccuracy), fullValidLoss: number(fullValidLoss),
                fullValidMeanTokenAccuracy: number(fullValidAccuracy))
        }
    }

    /// The CSV itself: the body as is when it starts with `step,`, else base64-decoded.
    static func csvText(_ data: Data) -> String {
        let trimmed = text(data)
        if trimmed.lowercased().hasPrefix("step,") { return trimmed }
        let compact = trimmed.filter { !$0.isWhitespace }
        if let decoded = Data(base64Encoded: compact) {
            return text(decoded)
        }
        return trimmed
    }

    /// The text without surrounding whitespace and without a UTF-8 byte order mark, which
    /// spreadsheet programs put before a CSV (without this, such a file read as no rows).
    private static func text(_ data: Data) -> String {
        var text = String(decoding: data, as: UTF8.self)
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
