import Foundation

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

    var bytes: Data {
        switch self {
        case .json(let value): value.encoded()
        case .multipart(let form): form.encoded()
        }
    }
}
