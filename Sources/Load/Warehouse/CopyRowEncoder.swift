public import Foundation
import Pipeline
public import PostgresNIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Encodes rows in PostgreSQL's `COPY … FROM STDIN` text format, with a content hash as the last column.
///
/// Fields are tab-separated, rows end with a newline, `NULL` is `\N`, and backslash, tab, newline and carriage
/// return inside values are escaped. Each row's last column is a 64-bit FNV-1a hash (16 hex digits) of the row's
/// other fields, which the merge compares to leave unchanged rows untouched.
///
/// Every value is checked before it is written, so PostgreSQL never rejects a row the encoder accepted: always that
/// text holds no NUL character and a timestamp lies in years 1–9999 (which also keeps the conversion from trapping on
/// an absurd instant such as 1e300 seconds), and, for an encoder made with the table's ``WarehouseColumn``s, each
/// value's type, range, length and nullability. A row with a bad value is not written: ``endRow(appendingHash:)``
/// removes it and returns the ``ColumnViolation`` (the first one found), and the caller quarantines the record.
///
/// ```swift
/// var encoder = CopyRowEncoder(columns: WarehouseTable.patients.columns)
/// encoder.field("org_a"); encoder.field("1300000000000000001"); encoder.field(Date())
/// if let violation = encoder.endRow() { … }
/// ```
public struct CopyRowEncoder: Sendable {
    /// A position between rows, to take rows back with ``rollBack(to:)``.
    public struct Bookmark: Sendable, Hashable {
        fileprivate let writerIndex: Int
        fileprivate let rowCount: Int
    }

    /// The encoded rows so far.
    public private(set) var buffer: ByteBuffer
    /// How many complete rows the buffer holds.
    public private(set) var rowCount = 0
    /// The columns each row must match, when known.
    private let columns: [WarehouseColumn]?
    private var rowStart = 0
    private var atRowStart = true
    /// The position of the field being written, 0-based.
    private var fieldIndex = 0
    private var violation: ColumnViolation?
    private var extraHash = Self.offsetBasis

    /// The earliest instant a `timestamptz` field may hold: 0001-01-01T00:00:00Z (``Instant/plausibleSeconds``).
    public static let earliestTimestamp = Date(timeIntervalSince1970: Instant.plausibleSeconds.lowerBound)
    /// The first instant past what a `timestamptz` field may hold: 10000-01-01T00:00:00Z.
    public static let timestampLimit = Date(timeIntervalSince1970: Instant.plausibleSeconds.upperBound)

    /// Creates an encoder that checks only what holds for every column (no NUL in text, timestamps in years
    /// 1–9999).
    ///
    /// - Parameter capacity: Initial buffer capacity in bytes; 64 KiB by default.
    public init(capacity: Int = 65_536) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
        columns = nil
    }

    /// Creates an encoder whose rows must match `columns`, in order (the content hash is not one of them).
    ///
    /// - Parameters:
    ///   - columns: The table's columns, e.g. ``WarehouseTable/columns``.
    ///   - capacity: Initial buffer capacity in bytes; 64 KiB by default.
    public init(columns: [WarehouseColumn], capacity: Int = 65_536) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
        self.columns = columns
    }

    /// The position after the last complete row.
    public var bookmark: Bookmark {
        Bookmark(writerIndex: rowStart, rowCount: rowCount)
    }

    /// Takes back every row written after `bookmark` (for a record whose other rows, such as its child table's, were
    /// rejected).
    public mutating func rollBack(to bookmark: Bookmark) {
        buffer.moveWriterIndex(to: bookmark.writerIndex)
        rowCount = bookmark.rowCount
        resetRow()
    }

    /// The column of the field being written, when the encoder knows its columns.
    private var column: WarehouseColumn? {
        guard let columns, fieldIndex < columns.count else { return nil }
        return columns[fieldIndex]
    }

    /// Records the first problem of the row; the row is then dropped at ``endRow(appendingHash:)``.
    private mutating func reject(_ problem: String) {
        guard violation == nil else { return }
        violation = ColumnViolation(column: column?.name ?? "field \(fieldIndex + 1)", problem: problem)
    }

    /// Appends a text field; `nil` is SQL `NULL`.
    public mutating func field(_ value: String?) {
        separate()
        guard var text = value else { return writeNull() }
        if let problem = column.map({ $0.problem(with: text) }) ?? WarehouseColumn.textProblem(text, limit: .max) {
            return reject(problem)
        }
        guard violation == nil else { return }
        text.withUTF8 { bytes in
            // Runs of ordinary bytes are copied whole; only backslash, tab, newline and carriage return are escaped.
            var start = 0
            for index in bytes.indices {
                let escape: StaticString
                switch bytes[index] {
                case 0x5C: escape = "\\\\"
                case 0x09: escape = "\\t"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                default: continue
                }
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                buffer.writeStaticString(escape)
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
    }

    /// Appends an integer field; `nil` is `NULL`.
    public mutating func field(_ value: Int?) {
        separate()
        guard let value else { return writeNull() }
        if let problem = column?.problem(with: value) { return reject(problem) }
        buffer.writeString(String(value))
    }

    /// Appends a floating-point field; `nil` and values that are not finite are `NULL`.
    public mutating func field(_ value: Double?) {
        separate()
        guard let value, value.isFinite else { return writeNull() }
        buffer.writeString(String(value))
    }

    /// Appends a Boolean field (`t` / `f`); `nil` is `NULL`.
    public mutating func field(_ value: Bool?) {
        separate()
        guard let value else { return writeNull() }
        buffer.writeStaticString(value ? "t" : "f")
    }

    /// Appends a `timestamptz` field in UTC with microseconds, e.g. `2026-03-01 09:15:00.000000+00`.
    ///
    /// An instant outside years 1–9999 (PostgreSQL rejects year 0, and nothing later is real data) is a violation.
    public mutating func field(_ value: Date?) {
        separate()
        guard let value else { return writeNull() }
        guard value >= Self.earliestTimestamp, value < Self.timestampLimit else {
            return reject("is a timestamp outside years 0001–9999")
        }
        buffer.writeString(Self.timestamp(value))
    }

    /// Appends a `text[]` field; `nil` is `NULL`.
    public mutating func field(_ values: [String]?) {
        guard let values else { return field(nil as String?) }
        for value in values {
            if let problem = WarehouseColumn.textProblem(value, limit: WarehouseColumn.shortTextBytes) {
                separate()
                return reject("has an element that \(problem)")
            }
        }
        let elements = values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        }
        field("{" + elements.joined(separator: ",") + "}")
    }

    private mutating func writeNull() {
        if let problem = column?.nullProblem { return reject(problem) }
        buffer.writeStaticString("\\N")
    }

    /// Adds `value` to the row's content hash without writing a column (for child data such as a patient's phones,
    /// which live in another table but are part of the record's content).
    public mutating func hashOnly(_ value: String) {
        extraHash = Self.fnv1a(value.utf8, seed: extraHash ^ 0x1f)
    }

    /// Ends the row: appends the content hash of its fields (unless `appendingHash` is `false`) and a newline.
    ///
    /// - Returns: `nil` when the row was written; otherwise the first bad value's violation, and the row was removed
    ///   (quarantine the record it came from).
    public mutating func endRow(appendingHash: Bool = true) -> ColumnViolation? {
        if let columns, violation == nil, !atRowStart, fieldIndex + 1 != columns.count {
            violation = ColumnViolation(
                column: "(row)", problem: "has \(fieldIndex + 1) fields for \(columns.count) columns")
        }
        if let violation {
            buffer.moveWriterIndex(to: rowStart)
            resetRow()
            return violation
        }
        if appendingHash {
            let offset = rowStart - buffer.readerIndex
            let seed = extraHash
            let hash = buffer.withUnsafeReadableBytes {
                Self.fnv1a(UnsafeRawBufferPointer(rebasing: $0[offset...]), seed: seed)
            }
            separate()
            buffer.writeString(Self.hex(hash))
        }
        buffer.writeStaticString("\n")
        rowCount += 1
        rowStart = buffer.writerIndex
        resetRow()
        return nil
    }

    /// Empties the encoder, keeping its capacity.
    public mutating func removeAll() {
        buffer.clear()
        rowCount = 0
        rowStart = buffer.writerIndex
        resetRow()
    }

    private mutating func resetRow() {
        atRowStart = true
        fieldIndex = 0
        violation = nil
        extraHash = Self.offsetBasis
    }

    private mutating func separate() {
        if atRowStart {
            atRowStart = false
        } else {
            buffer.writeStaticString("\t")
            fieldIndex += 1
        }
    }

    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    static func fnv1a(_ bytes: some Sequence<UInt8>, seed: UInt64 = offsetBasis) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// UTC `YYYY-MM-DD HH:MM:SS.ffffff+00`, without a formatter (this runs once per timestamp per row).
    ///
    /// Instants outside years 1–9999 are clamped into them, so the conversion never traps; ``field(_:)-(Date?)``
    /// rejects them before they get here.
    package static func timestamp(_ date: Date) -> String {
        let interval = min(
            max(date.timeIntervalSince1970, earliestTimestamp.timeIntervalSince1970),
            timestampLimit.timeIntervalSince1970 - 0.000_001)
        var seconds = time_t(interval.rounded(.down))
        var microseconds = Int(((interval - Double(seconds)) * 1_000_000).rounded())
        if microseconds >= 1_000_000 {
            seconds += 1
            microseconds -= 1_000_000
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let micro = String(microseconds)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: 6 - micro.count) + micro + "+00"
    }
}
