public import Hummingbird

/// A request's query string, decoded strictly: every name must be one the route knows, appear at most once, and
/// decode (percent-escapes, `+`) to valid UTF-8 without control characters and within a length bound. Anything
/// else is the client's mistake, answered with a 400 problem naming the parameter, never a 500.
struct QueryParameters {
    /// The longest value accepted, in bytes.
    static let maximumValueLength = 512

    private var values: [String: String] = [:]

    /// Decodes `request`'s query, accepting only `allowed` names.
    init(_ request: Request, allowed: Set<String>) throws {
        guard let query = request.uri.query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), allowed.contains(name) else {
                throw APIProblem.invalidParameter(
                    "query", "unknown query parameter; this route accepts: \(allowed.sorted().joined(separator: ", "))")
            }
            guard values[name] == nil else {
                throw APIProblem.invalidParameter(name, "given more than once")
            }
            let raw = parts.count > 1 ? parts[1] : ""
            guard raw.utf8.count <= Self.maximumValueLength * 3, let value = Self.decode(raw) else {
                throw APIProblem.invalidParameter(name, "not valid percent-encoded UTF-8")
            }
            guard value.utf8.count <= Self.maximumValueLength else {
                throw APIProblem.invalidParameter(name, "longer than \(Self.maximumValueLength) bytes")
            }
            guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw APIProblem.invalidParameter(name, "contains control characters")
            }
            values[name] = value
        }
    }

    /// The value of `name`, if given (an empty value counts as not given).
    subscript(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    /// `name` as an integer in `range`, or `defaultValue` when absent.
    func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) throws -> Int {
        guard let text = self[name] else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw APIProblem.invalidParameter(
                name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// Percent-decodes `text` (with `+` as a space); `nil` for a bad escape or invalid UTF-8.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
