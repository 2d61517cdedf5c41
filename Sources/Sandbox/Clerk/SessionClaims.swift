import JWTKit

/// The claims of a Clerk session token, v1 (`org_*`) or v2 (`v`, `o`, `fea`, …). Absent claims are omitted.
struct SessionClaims: JWTPayload, Equatable {
    /// v2 compact organization claim.
    struct Organization: Codable, Sendable, Equatable {
        var id: String
        var slg: String
        var rol: String
        var per: String
        var fpm: String
    }

    var sub: String
    var sid: String
    var iss: String
    var azp: String?
    var exp: Int
    var nbf: Int
    var iat: Int
    var fva: [Int]?
    var v: Int?
    var jti: String?
    var pla: String?
    var fea: String?
    var sts: String?
    var o: Organization?
    var org_id: String?
    var org_role: String?
    var org_slug: String?
    var org_permissions: [String]?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
