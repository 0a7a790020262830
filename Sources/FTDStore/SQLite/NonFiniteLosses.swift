import FTDModel

/// A loss the API sent as `nan` or `inf` is stored as such (SPEC section 10): SQLite
/// turns a NaN into NULL, so each non-finite value is NULL in its column and spelled in
/// `steps.non_finite` as `column=nan;column=-inf`. A value column that holds a number
/// wins over this spelling (a later event may have sent the step again, finite).
/// (`fields` is immutable; key paths are not `Sendable` only for want of a marking.)
package enum NonFiniteLosses {
    nonisolated(unsafe) static let fields: [(column: String, keyPath: WritableKeyPath<LossStep, Double?>)] = [
        ("train_loss", \.trainLoss),
        ("train_mean_token_accuracy", \.trainMeanTokenAccuracy),
        ("valid_loss", \.validLoss),
        ("valid_mean_token_accuracy", \.validMeanTokenAccuracy),
        ("full_valid_loss", \.fullValidLoss),
        ("full_valid_mean_token_accuracy", \.fullValidMeanTokenAccuracy),
    ]

    /// The spelling of `step`'s non-finite values, nil when all are finite or absent.
    package static func encoded(_ step: LossStep) -> String? {
        guard !allFinite(step) else { return nil }
        var parts: [String] = []
        for field in fields {
            guard let value = step[keyPath: field.keyPath], !value.isFinite else { continue }
            parts.append("\(field.column)=\(value.isNaN ? "nan" : value > 0 ? "inf" : "-inf")")
        }
        return parts.isEmpty ? nil : parts.joined(separator: ";")
    }

    /// `step` with each non-finite value made NULL, for the value columns.
    package static func finite(_ step: LossStep) -> LossStep {
        guard !allFinite(step) else { return step }
        var step = step
        for field in fields where step[keyPath: field.keyPath].map({ !$0.isFinite }) ?? false {
            step[keyPath: field.keyPath] = nil
        }
        return step
    }

    /// Whether no value is non-finite: the common case, checked without key paths (each
    /// stored step asked twice through six of them).
    package static func allFinite(_ step: LossStep) -> Bool {
        func finite(_ value: Double?) -> Bool { value?.isFinite ?? true }
        return finite(step.trainLoss) && finite(step.trainMeanTokenAccuracy) && finite(step.validLoss)
            && finite(step.validMeanTokenAccuracy) && finite(step.fullValidLoss)
            && finite(step.fullValidMeanTokenAccuracy)
    }

    /// Puts the spelled values back where the columns hold none.
    package static func restore(_ text: String, into step: inout LossStep) {
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let field = fields.first(where: { $0.column == pair[0] }),
                step[keyPath: field.keyPath] == nil
            else { continue }
            switch pair[1] {
            case "nan": step[keyPath: field.keyPath] = .nan
            case "inf": step[keyPath: field.keyPath] = .infinity
            case "-inf": step[keyPath: field.keyPath] = -.infinity
            default: continue
            }
        }
    }
}
