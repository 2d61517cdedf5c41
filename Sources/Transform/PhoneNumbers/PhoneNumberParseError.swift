/// Why a text held no usable phone number.
public struct PhoneNumberParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason, as a stable snake_case code.
    ///
    /// New reasons can be added without breaking callers, so switch over ``code`` with a default case.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case empty
            case notANumber = "not_a_number"
            case tooShort = "too_short"
            case tooLong = "too_long"
            case invalidForRegion = "invalid_for_region"
            case invalidCountryCode = "invalid_country_code"
            case multipleNumbers = "multiple_numbers"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The text is empty or only white space.
        public static let empty = Reason(.empty)
        /// The text holds no phone number (`n/a`, `TBA`, an e-mail address, a lone `0`).
        public static let notANumber = Reason(.notANumber)
        /// The digits are the beginning of a valid number, but digits are missing (a truncated number).
        public static let tooShort = Reason(.tooShort)
        /// A valid number followed by extra digits, or more digits than any number can have.
        public static let tooLong = Reason(.tooLong)
        /// The digits have a plausible shape but are not a number the region's plan assigns.
        public static let invalidForRegion = Reason(.invalidForRegion)
        /// The number starts with `+` (or an international prefix) followed by no known country calling code.
        public static let invalidCountryCode = Reason(.invalidCountryCode)
        /// The field holds two different numbers (`0491570156 / 02 5550 1234`); none is taken.
        public static let multipleNumbers = Reason(.multipleNumbers)

        /// The snake_case code (`too_short`).
        public var code: String { base.rawValue }

        /// The snake_case code.
        public var description: String { code }
    }

    /// Why no number was taken.
    public let reason: Reason

    /// Creates an error.
    ///
    /// - Parameter reason: Why no number was taken.
    public init(reason: Reason) {
        self.reason = reason
    }

    /// The reason code; safe to log (it never contains the number).
    public var description: String { "PhoneNumberParseError(\(reason.code))" }
}
