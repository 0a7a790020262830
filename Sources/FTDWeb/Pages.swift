import Hummingbird
import NIOCore

/// The dashboard's pages and their files. A page is a shell that holds no data at all:
/// its script reads the JSON API and builds the page with DOM calls, so no text from the
/// API is ever parsed as markup. The script, the style and the icon are compiled in
/// (`PackageResources`, SwiftPM's embedded resources).
enum Pages {
    enum Kind: String {
        case jobs, job, compare
    }

    static func shell(_ kind: Kind) -> Response {
        let title =
            switch kind {
            case .jobs: "Jobs · ftd"
            case .job: "Job · ftd"
            case .compare: "Compare · ftd"
            }
        let html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>\(title)</title>
            <link rel="stylesheet" href="/assets/app.css">
            <link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
            <script type="module" src="/assets/app.js"></script>
            </head>
            <body data-page="\(kind.rawValue)">
            <noscript>The ftd dashboard draws its pages with JavaScript. The same facts are in the JSON API (/api/jobs) and in `ftd history`.</noscript>
            </body>
            </html>

            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(
            status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// The files under `/assets/`, by name.
    static let assets: [String: (contentType: String, bytes: [UInt8])] = [
        "app.js": ("text/javascript; charset=utf-8", PackageResources.app_js),
        "app.css": ("text/css; charset=utf-8", PackageResources.app_css),
        "icon.svg": ("image/svg+xml", PackageResources.icon_svg),
    ]

    static func asset(_ name: String) -> Response {
        guard let asset = assets[name] else {
            return .problem("no such file: /assets/\(name)", status: .notFound)
        }
        var headers = HTTPFields()
        headers[.contentType] = asset.contentType
        return Response(
            status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
