public import Foundation
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
/// ```swift
/// var encoder = CopyRowEncoder()
/// encoder.field("org_a"); encoder.field("1300000000000000001"); encoder.field(Date())
/// encoder.endRow()
/// ```
public struct CopyRowEncoder: Sendable {
    /// The encoded rows so far.
    public private(set) var buffer: ByteBuffer
    /// How many complete rows the buffer holds.
    public private(set) var rowCount = 0
    private var rowStart = 0
    private var atRowStart = true
    private var extraHash = Self.offsetBasis

    /// Creates an encoder.
    ///
    /// - Parameter capacity: Initial buffer capacity in bytes; 64 KiB by default.
    public init(capacity: Int = 65_536) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Appends a text field; `nil` is SQL `NULL`.
    public mutating func field(_ value: String?) {
        separate()
        guard let value else {
            buffer.writeStaticString("\\N")
            return
        }
        var needsEscaping = false
        for byte in value.utf8 where byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            needsEscaping = true
            break
        }
        guard needsEscaping else {
            buffer.writeString(value)
            return
        }
        for byte in value.utf8 {
            switch byte {
            case 0x5C: buffer.writeStaticString("\\\\")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    /// Appends an integer field; `nil` is `NULL`.
    public mutating func field(_ value: Int?) {
        guard let value else { return field(nil as String?) }
        separate()
        buffer.writeString(String(value))
    }

    /// Appends a floating-point field; `nil` is `NULL`.
    public mutating func field(_ value: Double?) {
        guard let value, value.isFinite else { return field(nil as String?) }
        separate()
        buffer.writeString(String(value))
    }

    /// Appends a Boolean field (`t` / `f`); `nil` is `NULL`.
    public mutating func field(_ value: Bool?) {
        guard let value else { return field(nil as String?) }
        separate()
        buffer.writeStaticString(value ? "t" : "f")
    }

    /// Appends a `timestamptz` field in UTC with microseconds, e.g. `2026-03-01 09:15:00.000000+00`.
    public mutating func field(_ value: Date?) {
        guard let value else { return field(nil as String?) }
        separate()
        buffer.writeString(Self.timestamp(value))
    }

    /// Appends a `text[]` field; `nil` is `NULL`.
    public mutating func field(_ values: [String]?) {
        guard let values else { return field(nil as String?) }
        let elements = values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        }
        field("{" + elements.joined(separator: ",") + "}")
    }

    /// Adds `value` to the row's content hash without writing a column (for child data such as a patient's phones,
    /// which live in another table but are part of the record's content).
    public mutating func hashOnly(_ value: String) {
        extraHash = Self.fnv1a(value.utf8, seed: extraHash ^ 0x1f)
    }

    /// Ends the row: appends the content hash of its fields (unless `appendingHash` is `false`) and a newline.
    public mutating func endRow(appendingHash: Bool = true) {
        if appendingHash {
            let hash = Self.fnv1a(buffer.readableBytesView.dropFirst(rowStart - buffer.readerIndex), seed: extraHash)
            separate()
            buffer.writeString(Self.hex(hash))
        }
        buffer.writeStaticString("\n")
        rowCount += 1
        rowStart = buffer.writerIndex
        atRowStart = true
        extraHash = Self.offsetBasis
    }

    /// Empties the encoder, keeping its capacity.
    public mutating func removeAll() {
        buffer.clear()
        extraHash = Self.offsetBasis
        rowCount = 0
        rowStart = buffer.writerIndex
        atRowStart = true
    }

    private mutating func separate() {
        if atRowStart {
            atRowStart = false
        } else {
            buffer.writeStaticString("\t")
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
    package static func timestamp(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
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
