// Strict base64url (RFC 4648 §5) without padding, as JWS compact serialization requires (RFC 7515 §2).

/// Decodes unpadded base64url, refusing anything a canonical encoder would not produce.
///
/// Refused: `=` padding, `+`, `/`, whitespace or any other byte outside `A–Z a–z 0–9 - _`, a length of 4n+1, and
/// non-zero unused bits in the last character (so each byte string has exactly one accepted encoding).
enum Base64URL {
    /// Decodes `text`, or returns `nil` when it is not strict unpadded base64url.
    ///
    /// - Parameter text: The encoded text; may be empty (decodes to no bytes).
    /// - Returns: The bytes, or `nil`.
    static func decode(_ text: Substring) -> [UInt8]? {
        decode(Array(text.utf8))
    }

    /// Decodes `text`, or returns `nil` when it is not strict unpadded base64url.
    ///
    /// - Parameter text: The encoded text; may be empty (decodes to no bytes).
    /// - Returns: The bytes, or `nil`.
    static func decode(_ text: String) -> [UInt8]? {
        decode(Array(text.utf8))
    }

    private static func decode(_ input: [UInt8]) -> [UInt8]? {
        let remainder = input.count % 4
        guard remainder != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in input {
            guard let value = sextet(character) else { return nil }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // Leftover bits (2 or 4) must be zero in a canonical encoding.
        guard accumulator == 0 else { return nil }
        return output
    }

    private static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
