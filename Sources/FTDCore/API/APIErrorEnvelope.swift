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
            self.init(message: message)
            return
        }
        guard let reader = try? JSONObjectReader(error, what: "error") else { return nil }
        self.init(
            message: reader.text("message"), code: reader.text("code"), type: reader.text("type"),
            param: reader.text("param") ?? reader.text("target"))
        if message == nil, code == nil, type == nil, param == nil { return nil }
    }
}
