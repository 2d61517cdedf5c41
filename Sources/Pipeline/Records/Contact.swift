public import Foundation

/// A Chatwoot contact.
public struct Contact: Sendable, Hashable, Codable {
    /// The Chatwoot contact id.
    public var id: String
    /// The display name (often a WhatsApp profile name).
    public var name: String?
    /// The e-mail address, if any.
    public var email: String?
    /// The phone number as Chatwoot stores it (E.164 when present).
    public var phoneNumber: String?
    /// Chatwoot's `identifier` (an external id chosen by the account), if any.
    public var identifier: String?
    /// The `cliniko_patient_id` custom attribute, if set.
    public var clinikoPatientID: String?
    /// The normalized phone number; `nil` until the phone-normalization transform has run.
    public var phoneNormalization: PhoneNormalization?
    /// When the contact was created.
    public var createdAt: Date?

    /// Creates a contact.
    ///
    /// - Parameters:
    ///   - id: The Chatwoot id.
    ///   - name: The display name.
    ///   - email: The e-mail address.
    ///   - phoneNumber: The phone number.
    ///   - identifier: Chatwoot's `identifier`.
    ///   - clinikoPatientID: The `cliniko_patient_id` custom attribute.
    ///   - phoneNormalization: The normalized phone number, `nil` (the default) before normalization.
    ///   - createdAt: When the contact was created.
    public init(
        id: String,
        name: String? = nil,
        email: String? = nil,
        phoneNumber: String? = nil,
        identifier: String? = nil,
        clinikoPatientID: String? = nil,
        phoneNormalization: PhoneNormalization? = nil,
        createdAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.phoneNumber = phoneNumber
        self.identifier = identifier
        self.clinikoPatientID = clinikoPatientID
        self.phoneNormalization = phoneNormalization
        self.createdAt = createdAt
    }
}
