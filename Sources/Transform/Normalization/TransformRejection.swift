/// Why a per-record transform refused a record.
///
/// The runner sends rejected records to the quarantine table with their source, id and this reason, counts
/// them, and carries on.
public struct TransformRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason, as a stable snake_case code. New codes may be added; switch with a default case.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case missingID = "missing_id"
            case endsBeforeStart = "ends_before_start"
            case missingPatient = "missing_patient"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The record has an empty id.
        public static let missingID = Code(.missingID)
        /// The appointment ends before it starts.
        public static let endsBeforeStart = Code(.endsBeforeStart)
        /// The appointment names no patient.
        public static let missingPatient = Code(.missingPatient)

        /// The snake_case code.
        public var description: String { base.rawValue }
    }

    /// The reason.
    public let code: Code
    /// The rejected record's source id (may be empty when the id itself is missing).
    public let recordID: String

    /// Creates a rejection.
    ///
    /// - Parameters:
    ///   - code: The reason.
    ///   - recordID: The rejected record's id.
    public init(code: Code, recordID: String) {
        self.code = code
        self.recordID = recordID
    }

    /// The reason code and record id; safe to log (ids only, no patient data).
    public var description: String { "TransformRejection(\(code), id: \(recordID))" }
}
