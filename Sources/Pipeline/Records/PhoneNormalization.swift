/// The result of normalizing one free-text phone number to E.164.
///
/// Exactly one of ``e164`` and ``failureReason`` is set.
public struct PhoneNormalization: Sendable, Hashable, Codable {
    /// The number in E.164 form (`+61491570156`), or `nil` when the text held no usable number.
    public var e164: String?
    /// The kind of line, ``PhoneNumberType/unknown`` on failure.
    public var type: PhoneNumberType
    /// Why no number was taken (`empty`, `not_a_number`, `too_short`, `too_long`, `invalid_for_region`,
    /// `invalid_country_code`, `multiple_numbers`), or `nil` on success.
    public var failureReason: String?

    /// Creates a normalization result.
    ///
    /// - Parameters:
    ///   - e164: The E.164 number, or `nil` on failure.
    ///   - type: The kind of line.
    ///   - failureReason: The reason code on failure, or `nil`.
    public init(e164: String?, type: PhoneNumberType, failureReason: String?) {
        self.e164 = e164
        self.type = type
        self.failureReason = failureReason
    }
}
