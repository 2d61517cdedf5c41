import Load

/// Cheap checks that a pasted secret looks like the service's kind of secret (never echoing it).
enum SecretShape {
    static func problem(with secret: String, for service: CredentialService) -> String? {
        if secret.contains(where: \.isWhitespace) { return "the secret contains whitespace; paste only the key" }
        switch service {
        case .clerk where !(secret.hasPrefix("sk_test_") || secret.hasPrefix("sk_live_")):
            return "Clerk secret keys start with sk_test_ or sk_live_"
        case .cliniko where secret.count < 8:
            return "that is too short to be a Cliniko API key"
        default:
            return nil
        }
    }
}
