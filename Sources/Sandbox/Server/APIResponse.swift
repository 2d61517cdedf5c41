import Hummingbird

/// A response as an API handler produces it, before faults and statistics are applied.
struct APIResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: [UInt8]

    init(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response (`application/json; charset=utf-8`).
    static func json(_ body: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> APIResponse {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return APIResponse(status: status, headers: headers, body: body)
    }

    /// A JSON response from a literal body.
    static func json(_ text: String, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> APIResponse {
        json(Array(text.utf8), status: status, headers: headers)
    }

    /// A plain-text response.
    static func text(_ text: String, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> APIResponse {
        var headers = headers
        headers[.contentType] = "text/plain; charset=utf-8"
        return APIResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    /// A JSON response encoding `value` with sorted keys (deterministic bytes).
    static func encoding(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> APIResponse {
        json(SandboxJSON.encode(value), status: status)
    }

    /// The Hummingbird response for this value.
    var response: Response {
        Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension APIResponse {
    /// The HTML page a proxy in front of the API sends for 502/503.
    static func htmlError(_ status: HTTPResponse.Status, _ title: String) -> APIResponse {
        APIResponse(
            status: status, headers: [.contentType: "text/html"],
            body: Array(
                "<html>\r\n<head><title>\(title)</title></head>\r\n<body>\r\n<center><h1>\(title)</h1></center>\r\n</body>\r\n</html>\r\n"
                    .utf8)
        )
    }
}
