import Foundation

extension FineTuningJob {
    /// Decodes a `fine_tuning.job` object as real answers send it (see the fixtures):
    /// only `id` and `status` are required, everything else is optional and tolerant.
    public init(json: JSONValue) throws(APIDecodingError) {
        let reader = try JSONObjectReader(json, what: "job")
        self.init(
            id: try reader.requiredString("id"),
            status: try reader.requiredString("status"),
            model: reader.string("model"),
            createdAt: reader.time("created_at"),
            finishedAt: reader.time("finished_at"),
            fineTunedModel: reader.string("fine_tuned_model"),
            trainedTokens: reader.int64("trained_tokens"),
            estimatedFinish: reader.time("estimated_finish"),
            trainingFile: reader.string("training_file"),
            validationFile: reader.string("validation_file"),
            resultFiles: reader.value("result_files")?.arrayValue?.compactMap(\.stringValue) ?? [],
            suffix: reader.string("user_provided_suffix") ?? reader.string("suffix"),
            error: JobError(json: reader.value("error")),
            raw: json
        )
    }

    /// Decodes a body that holds one job (retrieve, create, cancel, pause, resume).
    public init(body: Data) throws(APIDecodingError) {
        try self.init(json: try JSONValue.parseBody(body))
    }
}

extension JobError {
    /// nil for every way the API says "no error": absent, `null`, `{}`, all-null fields.
    /// A bare string (seen from some compatible servers) becomes the message.
    init?(json: JSONValue?) {
        guard let json else { return nil }
        if let message = json.stringValue {
            self.init(code: nil, message: message, param: nil)
            return
        }
        guard let reader = try? JSONObjectReader(json, what: "error") else { return nil }
        let code = reader.text("code")
        let message = reader.text("message")
        let param = reader.text("param")
        if code == nil, message == nil, param == nil { return nil }
        self.init(code: code, message: message, param: param)
    }
}
