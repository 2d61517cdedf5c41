public import Pipeline

/// A valid phone number: a country calling code and a national significant number.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// The country calling code (`61`).
    public let countryCode: Int
    /// The national significant number, without trunk prefix (`491570156`).
    public let nationalNumber: String
    /// The kind of line, per the numbering plan of ``countryCode``.
    public let type: PhoneNumberType
    /// The extension written after the number (`ext 23`, `x23`, `#23`), if any. It is not part of ``e164``.
    public let `extension`: String?

    /// Creates a phone number from its parts. ``PhoneNumberParser`` is the usual way to get one.
    ///
    /// - Parameters:
    ///   - countryCode: The country calling code.
    ///   - nationalNumber: The national significant number.
    ///   - type: The kind of line.
    ///   - extension: The extension, if any.
    public init(countryCode: Int, nationalNumber: String, type: PhoneNumberType, extension: String? = nil) {
        self.countryCode = countryCode
        self.nationalNumber = nationalNumber
        self.type = type
        self.extension = `extension`
    }

    /// The number in E.164 form: `+`, the country code and the national significant number (`+61491570156`).
    public var e164: String { "+\(countryCode)\(nationalNumber)" }

    /// The E.164 form.
    public var description: String { e164 }
}
