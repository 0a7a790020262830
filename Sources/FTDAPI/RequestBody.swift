import AsyncHTTPClient
import FTDModel
import Foundation
import NIOCore
import NIOFoundationCompat

/// What a POST carries: a JSON object, or a multipart form (a file upload).
public enum RequestBody: Sendable {
    case json(JSONValue)
    case multipart(MultipartForm)

    var contentType: String {
        switch self {
        case .json: "application/json"
        case .multipart(let form): "multipart/form-data; boundary=\(form.boundary)"
        }
    }

    /// What AsyncHTTPClient sends, made anew for each attempt: a multipart form streams
    /// its files from disk with a known length.
    var httpBody: HTTPClientRequest.Body {
        switch self {
        case .json(let value): .bytes(ByteBuffer(data: value.encoded()))
        case .multipart(let form): .stream(form.stream(), length: .known(form.contentLength))
        }
    }
}
