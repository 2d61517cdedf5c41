import Foundation

/// A position in one of the keyset-paginated lists: the sort key and id of the last row of a page.
///
/// On the wire it is opaque: base64url (no padding) of a small versioned JSON object such as
/// `{"v":1,"k":"priority","a":2,"b":57,"id":"1234"}`. It is a position, never an offset, so rows inserted or
/// removed before it do not shift the pages after it. It carries no secret and needs none: a client that edits one
/// only moves its own position within its own organization's rows, and every value in it reaches SQL as a bind
/// parameter after its range is checked here.
enum PageCursor: Equatable, Sendable {
    /// After this row of the priority order (also used by the by-appointment-type list).
    case priority(actionPriority: Int, riskScore: Int, patientID: String)
    /// After this row of the name order; the names as the order compares them (lower-cased, `''` for none).
    case name(lastName: String, firstName: String, patientID: String)
    /// After this row of the last-contact order; `micros` is `last_contact_at` in microseconds since 1970, `nil`
    /// for a patient never contacted.
    case lastContact(micros: Int64?, patientID: String)
    /// After this row of the upcoming-appointments order; `micros` is `next_visit_at` in microseconds since 1970.
    case upcoming(micros: Int64, patientID: String)
    /// After this run of the run history; `micros` is `started_at` in microseconds since 1970.
    case syncRun(micros: Int64, runID: UUID)

    /// Which list a cursor belongs to.
    enum Kind: String, Sendable {
        case priority
        case name
        case lastContact = "last_contact"
        case upcoming
        case syncRun = "sync_run"

        /// The kind of cursors the patient list issues for `sort`.
        init(_ sort: PatientSort) {
            switch sort {
            case .priority: self = .priority
            case .name: self = .name
            case .lastContact: self = .lastContact
            }
        }
    }

    /// The longest cursor accepted, in characters. Cursors hold a sort key and an id, so only absurdly long names
    /// come near it.
    static let maximumLength = 8_192

    /// The wire format's version.
    private static let version = 1

    /// The list this cursor belongs to.
    var kind: Kind {
        switch self {
        case .priority: .priority
        case .name: .name
        case .lastContact: .lastContact
        case .upcoming: .upcoming
        case .syncRun: .syncRun
        }
    }

    /// The JSON object on the wire; short keys keep cursors short.
    private struct Wire: Codable {
        var v: Int
        var k: String
        var a: Int64?
        var b: Int64?
        var x: String?
        var y: String?
        var id: String
    }

    /// The cursor as the client sees it.
    var encoded: String {
        var wire = Wire(v: Self.version, k: kind.rawValue, id: "")
        switch self {
        case .priority(let actionPriority, let riskScore, let patientID):
            wire.a = Int64(actionPriority)
            wire.b = Int64(riskScore)
            wire.id = patientID
        case .name(let lastName, let firstName, let patientID):
            wire.x = lastName
            wire.y = firstName
            wire.id = patientID
        case .lastContact(let micros, let patientID):
            wire.a = micros
            wire.id = patientID
        case .upcoming(let micros, let patientID):
            wire.a = micros
            wire.id = patientID
        case .syncRun(let micros, let runID):
            wire.a = micros
            wire.id = runID.uuidString.lowercased()
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding a struct of strings and integers cannot fail.
        let json = (try? encoder.encode(wire)) ?? Data()
        return json.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a cursor a client sent back.
    ///
    /// - Parameters:
    ///   - text: The cursor.
    ///   - expected: The list it is used for.
    /// - Throws: ``ReadError`` for parameter `cursor` when it is not one RoutIQ issued (or issued by a different
    ///   version), was issued for another list or sort, or holds values out of range.
    init(decoding text: String, as expected: Kind) throws(ReadError) {
        guard !text.isEmpty, text.utf8.count <= Self.maximumLength,
            text.utf8.allSatisfy({ Self.isBase64URL($0) })
        else {
            throw Self.malformed
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if base64.utf8.count % 4 == 1 { throw Self.malformed }
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let json = Data(base64Encoded: base64),
            let wire = try? JSONDecoder().decode(Wire.self, from: json),
            wire.v == Self.version, let kind = Kind(rawValue: wire.k)
        else {
            throw Self.malformed
        }
        guard kind == expected else {
            throw ReadError(parameter: "cursor", reason: "was issued for a different list or sort order")
        }
        guard !wire.id.isEmpty, Self.isStorable(wire.id) else { throw Self.malformed }
        switch kind {
        case .priority:
            guard let a = wire.a, let b = wire.b, PatientListQuery.actionPriorities.contains(Int(a)),
                (0...100).contains(b), wire.x == nil, wire.y == nil
            else { throw Self.malformed }
            self = .priority(actionPriority: Int(a), riskScore: Int(b), patientID: wire.id)
        case .name:
            guard let x = wire.x, let y = wire.y, Self.isStorable(x), Self.isStorable(y), wire.a == nil,
                wire.b == nil
            else { throw Self.malformed }
            self = .name(lastName: x, firstName: y, patientID: wire.id)
        case .lastContact:
            guard wire.a.map(Self.isPlausibleMicros) ?? true, wire.b == nil, wire.x == nil, wire.y == nil else {
                throw Self.malformed
            }
            self = .lastContact(micros: wire.a, patientID: wire.id)
        case .upcoming:
            guard let a = wire.a, Self.isPlausibleMicros(a), wire.b == nil, wire.x == nil, wire.y == nil else {
                throw Self.malformed
            }
            self = .upcoming(micros: a, patientID: wire.id)
        case .syncRun:
            guard let a = wire.a, Self.isPlausibleMicros(a), let runID = UUID(uuidString: wire.id), wire.b == nil,
                wire.x == nil, wire.y == nil
            else { throw Self.malformed }
            self = .syncRun(micros: a, runID: runID)
        }
    }

    private static let malformed = ReadError(parameter: "cursor", reason: "is not a cursor this API issued")

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// Whether PostgreSQL's `text` can hold `text` (it cannot hold NUL).
    private static func isStorable(_ text: String) -> Bool {
        !text.utf8.contains(0)
    }

    /// Whether `micros` lies within years 1 to 9999, inside PostgreSQL's `timestamptz` range and `Date`'s precision.
    private static func isPlausibleMicros(_ micros: Int64) -> Bool {
        (-62_135_596_800_000_000...253_402_300_799_999_999).contains(micros)
    }
}
