import Hummingbird
import NIOCore

/// `/v1/files`: multipart upload, retrieve, and raw content.
struct FileRoutes: Sendable {
    /// The API takes files up to 512 MB; the form's headers come on top.
    static let maxUploadBytes = (512 << 20) + (1 << 20)

    let state: SimulatorState
    /// Where the API is: `v1` (OpenAI), `openai/v1` or `openai` (Azure's two surfaces).
    var prefix = "v1"

    func add(to router: Router<BasicRequestContext>) {
        let files = router.group(RouterPath(stringLiteral: "\(prefix)/files"))
        files.post { request, _ in
            var request = request
            guard let contentType = request.headers[.contentType],
                let boundary = MultipartForm.boundary(fromContentType: contentType)
            else {
                throw SimulatorAPIError.invalid(
                    "Upload the file as multipart/form-data with the fields 'file' and 'purpose'.")
            }
            let body = try await request.bodyBytes(limit: Self.maxUploadBytes)
            guard let form = MultipartForm(body: body, boundary: boundary) else {
                throw SimulatorAPIError.invalid("The multipart/form-data body could not be read.")
            }
            guard let file = form.part(named: "file") else {
                throw SimulatorAPIError.missingParameter("file")
            }
            guard let purpose = form.part(named: "purpose") else {
                throw SimulatorAPIError.missingParameter("purpose")
            }
            return Response.json(
                try await state.acceptUpload(
                    filename: file.filename ?? "upload",
                    purpose: String(decoding: purpose.content, as: UTF8.self),
                    content: file.content
                ),
                // Azure answers an upload with 201 Created.
                status: state.flavor == .azure ? .created : .ok
            )
        }
        files.get(":id") { _, context in
            Response.json(try await state.retrieveFile(try context.parameters.require("id")))
        }
        files.get(":id/content") { _, context in
            let content = try await state.fileContent(try context.parameters.require("id"))
            var headers = HTTPFields()
            headers[.contentType] = "application/octet-stream"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: content)))
        }
    }
}
