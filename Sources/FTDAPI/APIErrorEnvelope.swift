import FTDModel
import Foundation

/// The error body of a failed request: OpenAI's `{"error": {"message", "type", "param",
/// "code"}}` or Azure's older `{"error": {"code", "message", "target", "details",
/// "innererror"}}`.
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
        guard let json = try? JSONValue.parse(body), let error = json["error"], !error.isNull else {
            return nil
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

    /// An empty or blank field says nothing: without this, `{"error": {"message": ""}}`
    /// made an error whose message was empty (found by `DecoderFuzzTests`).
    private static func nonBlank(_ text: String?) -> String? {
        guard let text, !text.allSatisfy(\.isWhitespace) else { return nil }
        return text
    }
}
