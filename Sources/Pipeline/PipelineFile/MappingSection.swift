import Foundation
import Yams

/// Typed, position-aware reads of one YAML mapping (the top level, `http:`, `sandbox:` or one stage).
///
/// Each read marks its key as known; ``finish(allowed:)`` then reports every key that was never asked for, with a
/// suggestion from the allowed keys. Wrong types and out-of-range values become diagnostics and the default is
/// returned, so that one run of the parser reports every problem.
struct MappingSection {
    let reader: PipelineNodeReader
    /// How the section is named in messages, e.g. "stage 'extract.cliniko'" or "the top level".
    let name: String
    /// Where the section starts.
    let location: SourceLocation
    let entries: [MappingEntry]

    init(reader: PipelineNodeReader, name: String, location: SourceLocation, entries: [MappingEntry]) {
        self.reader = reader
        self.name = name
        self.location = location
        self.entries = entries
    }

    func entry(_ key: String) -> MappingEntry? {
        entries.first { $0.key == key }
    }

    /// Reports every key not in `allowed`.
    func finish(allowed: [String]) {
        for entry in entries where !allowed.contains(entry.key) {
            reader.error(
                entry.keyLocation,
                "unknown key '\(entry.key)' in \(name)" + Suggestion.hint(for: entry.key, in: allowed)
            )
        }
    }

    /// A required key's entry, or a diagnostic at the section start.
    func required(_ key: String, hint: String = "") -> MappingEntry? {
        guard let entry = entry(key) else {
            reader.error(location, "missing required key '\(key)' in \(name)\(hint)")
            return nil
        }
        return entry
    }

    /// A text value and how it was written, or `nil` when the key is absent or null.
    func string(_ key: String) -> ScalarText? {
        guard let entry = entry(key), !PipelineNodeReader.isNull(entry.value) else { return nil }
        return reader.scalarText(of: entry.value, subject: "'\(key)'")
    }

    /// An optional text value; empty after interpolation counts as absent.
    func optionalString(_ key: String) -> String? {
        guard let scalar = string(key), !scalar.value.isEmpty else { return nil }
        return scalar.value
    }

    func integer(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let scalar = string(key) else {
            if let entry = entry(key), PipelineNodeReader.isNull(entry.value) {
                reader.error(reader.location(of: entry.value), "'\(key)' must be an integer, got nothing")
            }
            return defaultValue
        }
        guard let value = Int(scalar.value.replacingOccurrences(of: "_", with: "")) else {
            reader.error(scalar.location, "'\(key)' must be an integer, got \(scalar.quoted)")
            return defaultValue
        }
        guard range.contains(value) else {
            reader.error(
                scalar.location,
                "'\(key)' must be between \(range.lowerBound) and \(range.upperBound), got "
                    + (scalar.isInterpolated ? scalar.quoted : scalar.written))
            return defaultValue
        }
        return value
    }

    func number(_ key: String, default defaultValue: Double, range: ClosedRange<Double>) -> Double {
        guard let scalar = string(key) else { return defaultValue }
        guard let value = Double(scalar.value), value.isFinite else {
            reader.error(scalar.location, "'\(key)' must be a number, got \(scalar.quoted)")
            return defaultValue
        }
        guard range.contains(value) else {
            reader.error(
                scalar.location,
                "'\(key)' must be between \(Self.format(range.lowerBound)) and \(Self.format(range.upperBound)), got "
                    + (scalar.isInterpolated ? scalar.quoted : scalar.written)
            )
            return defaultValue
        }
        return value
    }

    func boolean(_ key: String, default defaultValue: Bool) -> Bool {
        guard let scalar = string(key) else { return defaultValue }
        switch scalar.value.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            reader.error(scalar.location, "'\(key)' must be true or false, got \(scalar.quoted)")
            return defaultValue
        }
    }

    func choice<Value: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: Value) -> Value
    where Value.RawValue == String {
        guard let scalar = string(key) else { return defaultValue }
        if let value = Value(rawValue: scalar.value) { return value }
        let options = Value.allCases.map(\.rawValue)
        reader.error(
            scalar.location,
            "'\(key)' must be one of \(options.joined(separator: ", ")), got \(scalar.quoted)"
                + Suggestion.hint(for: scalar.value, in: options)
        )
        return defaultValue
    }

    /// A list of text values; a single scalar is not accepted (write `[a]`).
    func list(_ key: String) -> [ScalarText]? {
        guard let entry = entry(key) else { return nil }
        guard case .sequence(let sequence) = entry.value else {
            reader.error(
                reader.location(of: entry.value),
                "'\(key)' must be a list, got \(PipelineNodeReader.describe(entry.value))")
            return nil
        }
        return sequence.compactMap { reader.scalarText(of: $0, subject: "each item of '\(key)'") }
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
