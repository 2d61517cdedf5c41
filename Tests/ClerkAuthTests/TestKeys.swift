// RSA keys shared by the ClerkAuth tests, generated once per test process (RSA key generation is slow in debug).
import Foundation
import _CryptoExtras

/// A signing key and the `kid` a JWKS publishes it under.
struct TestKey: Sendable {
    let kid: String
    let privateKey: _RSA.Signing.PrivateKey

    var publicKey: _RSA.Signing.PublicKey { privateKey.publicKey }

    /// The key as a JWKS entry; `extra` members are added or replace the defaults (`nil` removes one).
    func jwk(_ extra: [String: String?] = [:]) -> [String: String] {
        let primitives = try! publicKey.getKeyPrimitives()
        var members = [
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": Base64URLEncoding.encode(Array(primitives.modulus)),
            "e": Base64URLEncoding.encode(Array(primitives.publicExponent)),
        ]
        for (name, value) in extra { members[name] = value }
        return members
    }
}

/// The keys: generated on first use, shared by every suite.
enum TestKeys {
    /// The instance's current signing key.
    static let primary = TestKey(kid: "ins_primary", privateKey: try! .init(keySize: .bits2048))
    /// The key the instance rotates to.
    static let rotated = TestKey(kid: "ins_rotated", privateKey: try! .init(keySize: .bits2048))
    /// An attacker's key, never published.
    static let foreign = TestKey(kid: "ins_primary", privateKey: try! .init(keySize: .bits2048))
    /// A 1024-bit key, too small to be used.
    static let weak = TestKey(kid: "ins_weak", privateKey: try! .init(unsafeKeySize: .init(bitCount: 1024)))

    /// A JWKS document holding `keys`' public halves.
    static func jwks(_ keys: [TestKey]) -> [UInt8] {
        jwks(entries: keys.map { $0.jwk() })
    }

    /// A JWKS document with the given entries.
    static func jwks(entries: [[String: String]]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: ["keys": entries], options: [.sortedKeys]))
    }
}
