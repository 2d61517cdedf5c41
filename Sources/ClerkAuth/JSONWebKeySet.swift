// The RS256 verification keys of a JSON Web Key Set (RFC 7517), selected by `kid`.
import Foundation
import _CryptoExtras

/// The usable RS256 public keys of a JWKS document, by `kid`.
///
/// A key is usable when `kty` is `RSA`, `use` is absent or `sig`, `alg` is absent or `RS256`, it has a non-empty
/// `kid`, `n` and `e` are strict base64url, and the modulus has at least 2048 bits. Other entries are ignored, not
/// errors, so a set that also carries keys for other purposes still works. When two entries share a `kid` but
/// differ in their key, that `kid` is dropped: which of them the issuer signs with would be ambiguous.
struct JSONWebKeySet: Sendable {
    /// The keys by `kid`.
    let keys: [String: _RSA.Signing.PublicKey]

    /// Parses a JWKS document.
    ///
    /// - Parameter bytes: The document (`{"keys": [...]}`).
    /// - Throws: ``JWKSError`` with ``JWKSError/Code/notJSON`` when the document is not a JSON object with a `keys`
    ///   array, or ``JWKSError/Code/noUsableKeys`` when no entry is usable.
    init(parsing bytes: [UInt8]) throws(JWKSError) {
        guard let document = JSONValue.parseObject(bytes) else {
            throw JWKSError(.notJSON, reason: "the JWKS is not a JSON object")
        }
        guard case .array(let entries)? = document["keys"] else {
            throw JWKSError(.notJSON, reason: "the JWKS has no \"keys\" array")
        }
        var keys: [String: _RSA.Signing.PublicKey] = [:]
        var primitives: [String: (n: [UInt8], e: [UInt8])] = [:]
        var ambiguous: Set<String> = []
        for entry in entries {
            guard case .object(let members) = entry, let candidate = Self.usableKey(members) else { continue }
            if let seen = primitives[candidate.kid] {
                if seen.n != candidate.n || seen.e != candidate.e { ambiguous.insert(candidate.kid) }
                continue
            }
            primitives[candidate.kid] = (candidate.n, candidate.e)
            keys[candidate.kid] = candidate.key
        }
        for kid in ambiguous { keys[kid] = nil }
        guard !keys.isEmpty else {
            throw JWKSError(
                .noUsableKeys,
                reason: "none of the \(entries.count) keys is an RSA signing key (RS256, 2048 bits or more) with a kid")
        }
        self.keys = keys
    }

    private static func usableKey(
        _ members: [String: JSONValue]
    ) -> (kid: String, n: [UInt8], e: [UInt8], key: _RSA.Signing.PublicKey)? {
        guard members["kty"] == .string("RSA"),
            members["use"] == nil || members["use"] == .string("sig"),
            members["alg"] == nil || members["alg"] == .string("RS256"),
            case .string(let kid)? = members["kid"], !kid.isEmpty,
            case .string(let modulusText)? = members["n"], let modulus = Base64URL.decode(modulusText),
            case .string(let exponentText)? = members["e"], let exponent = Base64URL.decode(exponentText),
            // The initialiser refuses moduli under 2048 bits.
            let key = try? _RSA.Signing.PublicKey(n: modulus, e: exponent), key.keySizeInBits >= 2048
        else { return nil }
        return (kid, modulus, exponent, key)
    }
}
