/// One entry of a Cliniko patient's `patient_phone_numbers`.
public struct PatientPhone: Sendable, Hashable, Codable {
    /// The number as typed into Cliniko (free text: `61491570156`, `0491 570 156 (mum)`, `n/a`…).
    public var number: String
    /// Cliniko's `phone_type`: `Mobile`, `Home`, `Work`, `Fax` or `Other`.
    public var phoneType: String
    /// The normalized number; `nil` until the phone-normalization transform has run.
    public var normalization: PhoneNormalization?

    /// Creates a patient phone entry.
    ///
    /// - Parameters:
    ///   - number: The number as stored in Cliniko.
    ///   - phoneType: Cliniko's `phone_type`.
    ///   - normalization: The normalized form, `nil` (the default) before normalization.
    public init(number: String, phoneType: String, normalization: PhoneNormalization? = nil) {
        self.number = number
        self.phoneType = phoneType
        self.normalization = normalization
    }
}
