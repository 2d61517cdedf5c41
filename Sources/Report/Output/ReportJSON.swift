import Foundation

/// The one JSON encoding of every report document: sorted keys, pretty-printed, instants as ISO 8601 in UTC to
/// the second, so equal values give equal bytes.
enum ReportJSON {
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(.iso8601))
        }
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    /// A decoder matching ``encode(_:)``.
    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
