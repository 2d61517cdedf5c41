/// Byte-level scanning of free-text phone fields: finding the number, its digits and its extension.
///
/// Works on UTF-8 bytes. ASCII digits and full-width digits count; spaces, no-break spaces, dashes, dots,
/// brackets and apostrophes separate digit groups; `+` marks an international number when it comes first.
enum TextScanner {
    /// The most digits a written number may carry: a 15-digit E.164 number behind a 4-digit international prefix,
    /// plus a trunk prefix.
    static let maximumDigits = 20
    /// The fewest digits of a segment that makes it count as a separate number in a multi-number field.
    static let minimumDigitsOfSeparateNumber = 6
    /// The most digits of an extension.
    static let maximumExtensionDigits = 7

    /// The number found in a piece of text.
    struct ScannedNumber {
        /// The count of digits seen (may exceed the buffer's capacity; only the first digits are stored).
        var digitCount = 0
        /// Whether the number started with `+`.
        var hasPlus = false
        /// The extension's digits, if one was written.
        var extensionText: String?
    }

    static func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- UInt8(ascii: "a") < 26
    }

    /// Whether the byte separates digit groups inside one number. As in libphonenumber, a slash is one
    /// (`02/5550 1234`); a field with a number-like segment on each side of it is two numbers, which
    /// ``numberSegments(in:)`` finds first.
    static func isGroupSeparator(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "'"), UInt8(ascii: "_"), UInt8(ascii: "~"),
            UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    /// Whether the byte separates two numbers written in one field.
    static func isNumberSeparator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "/"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"),
            UInt8(ascii: "\\"), 0x0A, 0x0D:
            return true
        default:
            return isLetter(byte)
        }
    }

    /// The width of a multi-byte character that separates digit groups (no-break and zero-width spaces, soft
    /// hyphens, dashes, tildes), or 0.
    static func multiByteSeparatorWidth(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, at index: Int) -> Int {
        let end = bytes.endIndex
        let lead = bytes[index]
        if lead == 0xC2, index + 1 < end, bytes[index + 1] == 0xA0 || bytes[index + 1] == 0xAD { return 2 }
        guard lead == 0xE2 || lead == 0xE3, index + 2 < end else { return 0 }
        let second = bytes[index + 1]
        let third = bytes[index + 2]
        switch (lead, second) {
        case (0xE2, 0x80):
            // U+2010–U+2015 dashes, U+200B zero-width space, U+202F narrow no-break space, U+2009 thin space.
            return (0x90...0x95).contains(third) || third == 0x8B || third == 0xAF || third == 0x89 ? 3 : 0
        case (0xE2, 0x81):
            return third == 0xA0 || third == 0x93 ? 3 : 0  // U+2060 word joiner, U+2053 swung dash
        case (0xE2, 0x88):
            return third == 0x92 || third == 0xBC ? 3 : 0  // U+2212 minus, U+223C tilde operator
        case (0xE3, 0x80):
            return third == 0x80 ? 3 : 0  // U+3000 ideographic space
        default:
            return 0
        }
    }

    /// The value of a full-width digit (`０`–`９`) at the index, or `nil`.
    static func fullWidthDigit(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, at index: Int) -> UInt8? {
        guard bytes[index] == 0xEF, index + 2 < bytes.endIndex, bytes[index + 1] == 0xBC else { return nil }
        let third = bytes[index + 2]
        return (0x90...0x99).contains(third) ? third - 0x90 : nil
    }

    /// The byte ranges of the segments that each look like a separate number, when there are at least two;
    /// otherwise an empty array (the common case allocates nothing).
    static func numberSegments(in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var numberLike = 0
        var digits = 0
        for byte in bytes {
            if isDigit(byte) {
                digits += 1
            } else if isNumberSeparator(byte) {
                if digits >= minimumDigitsOfSeparateNumber { numberLike += 1 }
                digits = 0
            }
        }
        if digits >= minimumDigitsOfSeparateNumber { numberLike += 1 }
        guard numberLike > 1 else { return [] }

        var segments: [Range<Int>] = []
        var start = 0
        digits = 0
        for (index, byte) in bytes.enumerated() {
            if isDigit(byte) {
                digits += 1
            } else if isNumberSeparator(byte) {
                if digits >= minimumDigitsOfSeparateNumber { segments.append(start..<index) }
                start = index + 1
                digits = 0
            }
        }
        if digits >= minimumDigitsOfSeparateNumber { segments.append(start..<bytes.count) }
        return segments
    }

    /// Scans the first number in the text: its digits (stored in `digits`), a leading `+`, and an extension.
    static func scan(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, digits: UnsafeMutableBufferPointer<UInt8>)
        -> ScannedNumber
    {
        var result = ScannedNumber()
        var index = bytes.startIndex
        let end = bytes.endIndex
        func store(_ digit: UInt8) {
            if result.digitCount < digits.count { digits[result.digitCount] = digit }
            result.digitCount += 1
        }
        while index < end {
            let byte = bytes[index]
            if isDigit(byte) {
                store(byte &- UInt8(ascii: "0"))
                index += 1
                continue
            }
            if let digit = fullWidthDigit(bytes, at: index) {
                store(digit)
                index += 3
                continue
            }
            let isPlus =
                byte == UInt8(ascii: "+")
                || (byte == 0xEF && index + 2 < end && bytes[index + 1] == 0xBC && bytes[index + 2] == 0x8B)
            if isPlus {
                if result.digitCount > 0 { break }
                result.hasPlus = true
                index += byte == UInt8(ascii: "+") ? 1 : 3
                continue
            }
            if isGroupSeparator(byte) {
                index += 1
                continue
            }
            let width = multiByteSeparatorWidth(bytes, at: index)
            if width > 0 {
                index += width
                continue
            }
            // Anything else ends the number, unless the number has not started yet.
            if result.digitCount > 0 {
                result.extensionText = scanExtension(bytes[index...])
                break
            }
            result.hasPlus = false
            index += 1
        }
        return result
    }

    /// Reads an extension (`ext 23`, `ext. 23`, `extension 23`, `x23`, `#23`) at the start of the text.
    static func scanExtension(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end, isWhiteSpace(bytes[index]) || bytes[index] == UInt8(ascii: ",") { index += 1 }
        guard index < end else { return nil }
        var markerLength = 0
        if bytes[index] == UInt8(ascii: "#") {
            markerLength = 1
        } else {
            let markers: [StaticString] = ["extension", "extn", "ext", "ex", "x"]
            for marker in markers where hasPrefix(bytes[index...], caseInsensitive: marker) {
                markerLength = marker.utf8CodeUnitCount
                break
            }
        }
        guard markerLength > 0 else { return nil }
        index += markerLength
        while index < end,
            isWhiteSpace(bytes[index]) || bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ":")
        {
            index += 1
        }
        let start = index
        while index < end, isDigit(bytes[index]), index - start < maximumExtensionDigits { index += 1 }
        guard index > start else { return nil }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    static func hasPrefix(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, caseInsensitive word: StaticString) -> Bool {
        word.withUTF8Buffer { wordBytes in
            guard bytes.count >= wordBytes.count else { return false }
            for (offset, expected) in wordBytes.enumerated() where bytes[bytes.startIndex + offset] | 0x20 != expected {
                return false
            }
            return true
        }
    }
}
