import FTDModel
import Foundation

extension OpenAIClient {
    /// An upload can take far longer than a page: at least five minutes, more for a
    /// large file on a slow link (1 MiB/s assumed).
    static func uploadTimeout(bytes: Int, requestTimeout: Double) -> Double {
        max(requestTimeout, 300, Double(bytes) / 1_048_576)
    }

    /// `POST /files` with `purpose` (`fine-tune` for training data), byte for byte,
    /// streamed from disk (each attempt reads the file again).
    /// - Parameter size: the file's length, sent as part of `Content-Length`.
    public func uploadFile(path: String, size: Int64, filename: String, purpose: String = "fine-tune")
        async throws -> UploadedFile
    {
        var form = MultipartForm()
        form.add(field: "purpose", value: purpose)
        form.add(file: "file", filename: filename, contentType: "application/jsonl", path: path, size: size)
        let timeout = Self.uploadTimeout(bytes: Int(size), requestTimeout: settings.requestTimeout)
        return try await send(APIEndpoint(.post, ["files"]), body: .multipart(form), timeout: timeout) {
            (body) throws(APIDecodingError) in try UploadedFile(body: body)
        }
    }

    public func retrieveFile(id: String) async throws -> UploadedFile {
        try await send(APIEndpoint(.get, ["files", id])) { (body) throws(APIDecodingError) in
            try UploadedFile(body: body)
        }
    }

    /// `POST /chat/completions` with these messages; the first choice's answer.
    /// - Parameter deployment: Azure only, where a model answers only through a
    ///   deployment: the dated surface sends to `/deployments/{deployment}/chat/completions`,
    ///   the v1 surface names the deployment as `model` (`APISurface.chatCompletion`).
    ///   `model` then only says what the deployment is meant to serve. OpenAI ignores it.
    public func chatCompletion(model: String, deployment: String? = nil, messages: [ChatMessage])
        async throws -> ChatCompletion
    {
        let (endpoint, bodyModel) = surface.chatCompletion(model: model, deployment: deployment)
        let list: JSONValue = .array(messages.map(\.json))
        let body: JSONValue =
            bodyModel.map { .object(["model": .string($0), "messages": list]) } ?? .object(["messages": list])
        return try await send(endpoint, body: .json(body)) { (body) throws(APIDecodingError) in
            try ChatCompletion(body: body)
        }
    }
}
