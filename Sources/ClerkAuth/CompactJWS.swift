// The three parts of a JWS in compact serialization (RFC 7515 §7.1), decoded but not yet trusted.

/// A compact JWS split into its decoded header, payload and signature.
///
/// Parsing only checks the shape: exactly three strict base64url parts and a header and payload that are JSON
/// objects. Nothing in the header or payload may be trusted until the signature over ``signingInput`` has been
/// verified.
struct CompactJWS {
    /// The protected header's members.
    let header: [String: JSONValue]
    /// The payload's members (the claims).
    let payload: [String: JSONValue]
    /// `BASE64URL(header) '.' BASE64URL(payload)` as ASCII bytes: what the signature covers.
    let signingInput: [UInt8]
    /// The decoded signature (possibly empty).
    let signature: [UInt8]

    /// Splits and decodes `token`.
    ///
    /// - Parameter token: The compact serialization.
    /// - Throws: ``AuthenticationFailure/Code/malformed`` when the shape is wrong.
    init(parsing token: String) throws(AuthenticationFailure) {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerBytes = Base64URL.decode(Substring(parts[0])),
            let payloadBytes = Base64URL.decode(Substring(parts[1])),
            let signature = Base64URL.decode(Substring(parts[2])),
            let header = JSONValue.parseObject(headerBytes),
            let payload = JSONValue.parseObject(payloadBytes)
        else { throw AuthenticationFailure(.malformed) }
        self.header = header
        self.payload = payload
        self.signature = signature
        signingInput = Array(token.utf8.prefix(parts[0].count + 1 + parts[1].count))
    }
}
