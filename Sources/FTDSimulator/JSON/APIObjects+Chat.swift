extension APIObjects {
    /// A `chat.completion` object with one choice.
    static func chatCompletion(
        _ completion: ChatCompletion, id: String, created: Int64, model: String
    ) -> SimJSON {
        .object([
            ("id", .string(id)),
            ("object", .string("chat.completion")),
            ("created", .int(created)),
            ("model", .string(model)),
            (
                "choices",
                .array([
                    .object([
                        ("index", .int(0)),
                        (
                            "message",
                            .object([
                                ("role", .string("assistant")),
                                ("content", .string(completion.content)),
                                ("refusal", .null),
                            ])
                        ),
                        ("logprobs", .null),
                        ("finish_reason", .string(completion.finishReason)),
                    ])
                ])
            ),
            (
                "usage",
                .object([
                    ("prompt_tokens", .int(Int64(completion.promptTokens))),
                    ("completion_tokens", .int(Int64(completion.completionTokens))),
                    ("total_tokens", .int(Int64(completion.promptTokens + completion.completionTokens))),
                ])
            ),
            ("system_fingerprint", .string(systemFingerprint(model: model))),
        ])
    }

    /// `fp_` and ten hex digits, fixed for a model as the real one is for a deployment.
    static func systemFingerprint(model: String) -> String {
        let hex = String(ChatVoice.stableHash(model), radix: 16)
        return "fp_" + String((String(repeating: "0", count: 16) + hex).suffix(10))
    }
}
