import Crypto
import Foundation
import _CryptoExtras

/// Tokens signed by a key the tests made themselves, which no JWKS publishes: the forgery a stolen `kid` allows.
enum ForeignKeyToken {
    /// One RSA key per process (key generation is slow in debug builds).
    static let key: _RSA.Signing.PrivateKey? = try? _RSA.Signing.PrivateKey(keySize: .bits2048)

    /// `token`'s header (with `keyID` in place of its `kid`; none when `nil`) and payload, signed with the foreign
    /// key.
    static func make(copying token: String, keyID: String?? = .some(.none)) throws -> String {
        let parts = token.split(separator: ".").map(String.init)
        guard parts.count == 3, let key, var header = try decode(parts[0]) else {
            throw HarnessError("cannot copy the token")
        }
        switch keyID {
        case .none: header.removeValue(forKey: "kid")
        case .some(.some(let kid)): header["kid"] = kid
        case .some(.none): break
        }
        let headerPart = base64URL(try JSONSerialization.data(withJSONObject: header))
        let input = headerPart + "." + parts[1]
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + base64URL(signature.rawRepresentation)
    }

    private static func decode(_ part: String) throws -> [String: Any]? {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
