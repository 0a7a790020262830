import FTDModel
import Foundation

/// The error body of a failed request: OpenAI's `{"error": {"message", "type", "param",
/// "code"}}`; Azure's `{"error": {"code", "message", "target", "details", "innererror"}}`,
/// whose code is a string (`"401"`, `"DeploymentNotFound"`), sometimes a number; or the
/// Azure gateway's own `{"statusCode": 401, "message": "…"}`, which answers before the
/// resource does (an Entra token it refuses, a quota exceeded) and has no `error` key.
/// Only the text is read here: the HTTP status alone decides what the failure means.
public struct APIErrorEnvelope: Sendable, Equatable {
    public var message: String?
    public var code: String?
    public var type: String?
    /// `param` (OpenAI) or `target` (Azure): the request field at fault.
    public var param: String?

    public init(message: String?, code: String? = nil, type: String? = nil, param: String? = nil) {
        self.message = message
        self.code = code
        self.type = type
        self.param = param
    }

    /// nil when the body is not an error envelope (an HTML page from a proxy, say).
    public init?(body: Data) {
        guard let json = try? JSONValue.parse(body) else { return nil }
        guard let error = json["error"], !error.isNull else {
            self.init(gateway: json)
            return
        }
        if let message = error.stringValue {
            guard let message = Self.nonBlank(message) else { return nil }
            self.init(message: message)
            return
        }
        guard let reader = try? JSONObjectReader(error, what: "error") else { return nil }
        func text(_ key: String) -> String? { Self.nonBlank(reader.text(key)) }
        self.init(
            message: text("message"), code: text("code"), type: text("type"),
            param: text("param") ?? text("target"))
        if message == nil, code == nil, type == nil, param == nil { return nil }
    }

    /// `{"statusCode": 401, "message": "…"}`: both keys are required, so that an answer
    /// that merely has a `message` (a job, say) is not taken for an error.
    private init?(gateway json: JSONValue) {
        guard let reader = try? JSONObjectReader(json, what: "answer"),
            let status = reader.text("statusCode"),
            let message = Self.nonBlank(reader.text("message"))
        else { return nil }
        self.init(message: message, code: Self.nonBlank(status))
    }

    /// An empty or blank field says nothing: without this, `{"error": {"message": ""}}`
    /// made an error whose message was empty (found by `DecoderFuzzTests`).
    private static func nonBlank(_ text: String?) -> String? {
        guard let text, !text.allSatisfy(\.isWhitespace) else { return nil }
        return text
    }
}
