import Foundation
import Pipeline

/// The `User-Agent` every API gets: `PRODUCT (EMAIL)`, which Cliniko requires (fact sheet §A.2).
enum UserAgent {
    /// `product (contactEmail)`.
    ///
    /// - Throws: ``ExtractError`` with ``ExtractError/Code/invalidConfiguration`` when the e-mail is missing or
    ///   not an address.
    static func make(
        product: String, contactEmail: String?, source: SourceKind, organizationID: String?
    ) throws(ExtractError) -> String {
        guard let email = contactEmail?.trimmingCharacters(in: .whitespaces), email.contains("@"),
            !email.contains(" ")
        else {
            throw ExtractError(
                code: .invalidConfiguration, source: source, resource: "*", organizationID: organizationID,
                message: "http.contact_email must be set: APIs require a contact e-mail in the User-Agent")
        }
        return "\(product) (\(email))"
    }
}
