import FTDModel

extension TrainingFileReport {
    /// The machine-readable report of `ftd validate --json`, keys in a fixed order:
    /// `valid`, `problem_count`, `problems` (each `file`, `line` or null, `message`), the
    /// figures of `training` and `validation` (null without one), then the model, epochs,
    /// billed tokens and `estimates` (how each estimate is made).
    public func json() -> JSONValue {
        .object([
            "valid": .bool(isValid),
            "problem_count": .int(Int64(problemCount)),
            "problems": .array(problems.map(Self.json)),
            "training": Self.json(training),
            "validation": validation.map(Self.json) ?? .null,
            "model": .object([
                "name": .string(model.model),
                "snapshot": .optional(model.snapshot),
                "known": .bool(model.isKnown),
                "context_length": .int(Int64(model.contextLength)),
            ]),
            "default_epochs": .int(Int64(epochs)),
            "billed_tokens": .int(Int64(billedTokens)),
            "estimates": .object([
                "tokens": .string(TokenEstimate.method),
                "default_epochs": .string(DefaultEpochs.rule),
                "billed_tokens": .string(Self.billingMethod),
            ]),
        ])
    }

    static func json(_ problem: TrainingFileProblem) -> JSONValue {
        .object([
            "file": .string(problem.file),
            "line": .optional(problem.line),
            "message": .string(problem.message),
        ])
    }

    static func json(_ summary: TrainingFileSummary) -> JSONValue {
        let tokens = summary.tokens
        return .object([
            "file": .string(summary.file),
            "valid": .bool(summary.isValid),
            "examples": .int(Int64(summary.examples)),
            "problem_count": .int(Int64(summary.problemCount)),
            "tokens": .object([
                "min": .optional(tokens.minimum),
                "mean": .optional(tokens.mean),
                "max": .optional(tokens.maximum),
                "total": .int(Int64(tokens.total)),
                "billed_per_epoch": .int(Int64(tokens.billedPerEpoch)),
            ]),
            "over_context": .int(Int64(tokens.overContext)),
            "over_context_lines": .array(tokens.overContextLines.map { .int(Int64($0)) }),
        ])
    }
}
