import Foundation

extension KeyedEncodingContainer {
    /// Encodes an instant as ISO 8601 in UTC with fractional seconds (`2025-07-01T09:30:00.000Z`), or `null`,
    /// whatever date strategy the encoder was given.
    mutating func encodeTimestamp(_ date: Date?, forKey key: Key) throws {
        guard let date else {
            try encodeNil(forKey: key)
            return
        }
        try encode(date.formatted(Self.timestampStyle), forKey: key)
    }

    /// Encodes an optional value, writing `null` when it is `nil` (synthesized coding would leave the key out).
    mutating func encodeOrNull<Value: Encodable>(_ value: Value?, forKey key: Key) throws {
        guard let value else {
            try encodeNil(forKey: key)
            return
        }
        try encode(value, forKey: key)
    }

    private static var timestampStyle: Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
    }
}
