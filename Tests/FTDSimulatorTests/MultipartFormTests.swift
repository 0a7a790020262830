import Testing

@testable import FTDSimulator

@Suite("MultipartForm")
struct MultipartFormTests {
    @Test(
        "Reads the boundary from the content type",
        arguments: [
            ("multipart/form-data; boundary=abc", "abc"),
            ("multipart/form-data; charset=utf-8; boundary=\"q r\"", "q r"),
        ])
    func boundary(contentType: String, expected: String) {
        #expect(MultipartForm.boundary(fromContentType: contentType) == expected)
    }

    @Test("Rejects other content types")
    func notMultipart() {
        #expect(MultipartForm.boundary(fromContentType: "application/json") == nil)
    }

    @Test("Splits the parts with their names, filenames and exact bytes")
    func parts() throws {
        let body =
            "--B\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\nContent-Type: text/plain\r\n\r\nline1\nline2\n\r\n--B--\r\n"
        let form = try #require(MultipartForm(body: Array(body.utf8), boundary: "B"))
        #expect(form.part(named: "purpose")?.content == Array("fine-tune".utf8))
        #expect(form.part(named: "file")?.filename == "a.jsonl")
        #expect(form.part(named: "file")?.content == Array("line1\nline2\n".utf8))
    }

    @Test("Garbage is not a form")
    func garbage() {
        #expect(MultipartForm(body: Array("hello".utf8), boundary: "B") == nil)
    }
}
