import FTDModel
import Hummingbird
import NIOCore

extension Response {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.rendered(pretty: false) + "\n")))
    }

    /// `{"error": "…"}`: what went wrong, for a person reading the answer.
    static func problem(_ message: String, status: HTTPResponse.Status) -> Response {
        json(.object(["error": .string(message)]), status: status)
    }
}

extension HTTPFields.Element.Name {
    static let referrerPolicy = Self("referrer-policy")!
}
