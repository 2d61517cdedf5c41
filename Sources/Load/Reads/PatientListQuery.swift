import Foundation

/// What the patient list is filtered by, in which order, and which page.
///
/// Build it from the request's query parameters, then call ``validated()`` at the edge: it turns every client mistake
/// into a ``ReadError`` (answered with 400) before anything reaches the database. ``PatientReadStore/patients(_:)``
/// validates again, so an unchecked query can never become a database error.
public struct PatientListQuery: Sendable, Equatable {
    /// Only patients with this `activity_status`: `active`, `recently_active`, `upcoming_only`, `lapsed`, `new` or
    /// `never_seen`; all when `nil`.
    public var activityStatus: String?
    /// Only patients with this engagement: `active`, `dormant` or `stale`; all when `nil`.
    public var engagement: String?
    /// Only patients with this risk level: `low`, `medium` or `high`; all when `nil`.
    public var riskLevel: String?
    /// Only patients with this action priority, 1 (most urgent) to 4; all when `nil`.
    public var actionPriority: Int?
    /// Free text, matched case-insensitively as a substring of the first, last and preferred first name, the full
    /// name (first or preferred first name, a space, last name) and the e-mail address. `%`, `_` and `\` match
    /// themselves. White space around the text is ignored and blank text means no search. At most 200
    /// characters, no control characters.
    public var search: String?
    /// The search read as a phone number in E.164 (`+61412345678`), when the HTTP layer could parse it as one: a
    /// patient whose primary phone or any of whose phones has exactly this number also matches. Works without
    /// ``search`` too.
    public var searchE164: String?
    /// The order; ``PatientSort/priority`` by default.
    public var sort: PatientSort = .priority
    /// Rows per page, 1 to 500; 50 by default.
    public var limit: Int = 50
    /// The `next_cursor` of the previous page, issued for the same ``sort``; `nil` for the first page.
    public var cursor: String?

    /// A query for the first page of all patients, by priority, 50 to a page.
    public init() {}

    /// The values the schema allows for `patient_activity.activity_status`.
    static let activityStatuses = ["active", "recently_active", "upcoming_only", "lapsed", "new", "never_seen"]
    /// The values the schema allows for `patient_activity.engagement`.
    static let engagements = ["active", "dormant", "stale"]
    /// The values the schema allows for `patient_activity.risk_level`.
    static let riskLevels = ["low", "medium", "high"]
    /// The values the schema allows for `patient_activity.action_priority`.
    static let actionPriorities = 1...4
    /// The longest search text accepted, in characters.
    static let maximumSearchLength = 200

    /// Checks every parameter and returns the query in the form the store runs.
    ///
    /// The returned query is the same except that a blank ``search`` or ``searchE164`` becomes `nil` and the search
    /// text loses its leading and trailing white space.
    ///
    /// - Returns: The checked query.
    /// - Throws: ``ReadError`` naming the first parameter that is wrong: a filter value the schema does not allow, a
    ///   limit outside 1...500, a search longer than 200 characters or holding control characters, a phone number
    ///   that is not E.164, or a cursor that is malformed or was issued for another sort.
    public func validated() throws(ReadError) -> PatientListQuery {
        var checked = self
        try Self.checkMember(activityStatus, of: Self.activityStatuses, parameter: "activity_status")
        try Self.checkMember(engagement, of: Self.engagements, parameter: "engagement")
        try Self.checkMember(riskLevel, of: Self.riskLevels, parameter: "risk_level")
        if let actionPriority, !Self.actionPriorities.contains(actionPriority) {
            throw ReadError(parameter: "action_priority", reason: "must be 1, 2, 3 or 4")
        }
        if let search {
            // The length counts what was sent; line breaks around the text are trimmed rather than refused.
            try ReadError.checkLength(search, parameter: "search", maximumLength: Self.maximumSearchLength)
            let trimmed = search.trimmingCharacters(in: .whitespacesAndNewlines)
            try ReadError.checkText(trimmed, parameter: "search", maximumLength: Self.maximumSearchLength)
            checked.search = trimmed.isEmpty ? nil : trimmed
        }
        if let searchE164 {
            if searchE164.isEmpty {
                checked.searchE164 = nil
            } else if !Self.isE164(searchE164) {
                throw ReadError(
                    parameter: "search", reason: "phone number must be in E.164 form (+ and 7 to 15 digits)")
            }
        }
        try ReadError.checkLimit(limit)
        if let cursor {
            _ = try PageCursor(decoding: cursor, as: PageCursor.Kind(sort))
        }
        return checked
    }

    private static func checkMember(_ value: String?, of allowed: [String], parameter: String) throws(ReadError) {
        guard let value, !allowed.contains(value) else { return }
        throw ReadError(parameter: parameter, reason: "must be one of \(allowed.joined(separator: ", "))")
    }

    /// Whether `text` is `+` and 7 to 15 digits, the first not 0.
    static func isE164(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (8...16).contains(bytes.count), bytes[0] == UInt8(ascii: "+"), bytes[1] != UInt8(ascii: "0") else {
            return false
        }
        return bytes.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
