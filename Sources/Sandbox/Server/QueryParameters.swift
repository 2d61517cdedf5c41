/// A request's query string, percent-decoded, in order, with the raw components kept for echoing in links.
struct QueryParameters: Sendable {
    /// Decoded `(name, value)` pairs in request order.
    let items: [(name: String, value: String)]
    /// The raw `name=value` components in request order.
    let rawComponents: [Substring]

    init(_ query: String?) {
        guard let query, !query.isEmpty else {
            items = []
            rawComponents = []
            return
        }
        rawComponents = query.split(separator: "&", omittingEmptySubsequences: true)
        items = rawComponents.map { component in
            let parts = component.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            return (name, value)
        }
    }

    /// The first value for `name`.
    subscript(_ name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// Every value for `name`.
    func all(_ name: String) -> [String] {
        items.filter { $0.name == name }.map(\.value)
    }

    /// The raw query without the named parameters, for rebuilding pagination links.
    func rawQuery(excluding names: Set<String>) -> [Substring] {
        zip(rawComponents, items).filter { !names.contains($0.1.name) }.map(\.0)
    }

    /// Percent-decodes (and turns `+` into a space), leaving malformed escapes as they are.
    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = hex(iterator[iterator.startIndex]), let low = hex(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator.removeFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Percent-encodes a query component value (RFC 3986 unreserved characters kept).
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF")
                out += "%\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
            }
        }
        return out
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
