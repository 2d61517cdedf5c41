import Foundation
import Logging

/// Writes one JSON object per log event to standard error, for log collectors (`--log-format json`).
///
/// Each line has `ts` (ISO-8601 UTC with milliseconds), `level`, `label`, `message`, `source`, and every metadata
/// key (`routiq.*`, `psql_*`, …) as a string. Keys are sorted so that lines diff well.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard let line = line(for: event, at: Date()) else { return }
        FileHandle.standardError.write(line)
    }

    /// The JSON line (newline included) for one event.
    func line(for event: LogEvent, at date: Date) -> Data? {
        var fields: [String: String] = [:]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for (key, value) in merged { fields[key] = "\(value)" }
        fields["ts"] = Self.timestamp(date)
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = "\(event.message)"
        fields["source"] = event.source
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(fields) else { return nil }
        line.append(0x0A)
        return line
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
