// Unpadded base64url encoding for minting test tokens (the library only decodes).
import Foundation

/// Encodes bytes as unpadded base64url.
enum Base64URLEncoding {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func encode(_ text: String) -> String {
        encode(Array(text.utf8))
    }
}
