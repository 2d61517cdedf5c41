import AsyncHTTPClient
import Foundation
import NIOCore

/// A session token minted by the in-process sandbox's Clerk, for `routiq serve --demo`.
enum DemoToken {
    /// The authorized party the sandbox puts in its tokens by default (the dashboard's local origin).
    static let party = "http://localhost:3000"

    /// A one-hour token for `organization`, from the sandbox's `POST /_sandbox/token`.
    static func mint(controlURL: String, organization: String) async throws -> String {
        var request = HTTPClientRequest(url: controlURL + "/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let body = try JSONSerialization.data(withJSONObject: ["organization_id": organization, "expires_in": 3600])
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        struct Minted: Decodable { var token: String }
        guard response.status == .ok, let minted = try? JSONDecoder().decode(Minted.self, from: Data(buffer: bytes))
        else {
            throw DemoTokenError(description: "the sandbox did not mint a token (HTTP \(response.status.code))")
        }
        return minted.token
    }
}

/// The sandbox refused to mint the demo's token.
struct DemoTokenError: Error, CustomStringConvertible {
    let description: String
}
