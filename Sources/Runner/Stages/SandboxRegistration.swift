import Foundation
import Load
import Logging
import PostgresNIO
import Sandbox

/// Registers an in-process sandbox's organizations and their credentials, so the demo needs no manual set-up.
///
/// Organizations and credentials are only written when missing or different, so running the demo again changes
/// no row and adds no audit entry.
struct SandboxRegistration: Sendable {
    let endpoints: SandboxEndpoints
    let client: PostgresClient
    let vault: CredentialVault
    let actor: String

    func register(logger: Logger) async throws {
        let organizations = OrganizationStore(client: client)
        let credentials = CredentialStore(client: client, vault: vault)
        for simulated in endpoints.organizations {
            if try await organizations.find(simulated.id, logger: logger) == nil {
                do {
                    try await organizations.add(
                        Organization(
                            id: simulated.id, name: simulated.name, slug: simulated.slug, timeZone: simulated.timeZone,
                            phoneRegion: simulated.phoneRegion
                        ),
                        actor: actor,
                        logger: logger
                    )
                } catch let error as DatabaseError where error.code == .invalidInput {
                    // Another worker of the same batch registered it meanwhile.
                    logger.debug("sandbox organization registered by another worker")
                }
            }
            let wanted = [
                ServiceCredential(service: .cliniko, secret: simulated.clinikoAPIKey),
                // No base URL: the in-process sandbox listens on a new port each run, and the runner points every
                // source at it (`overrides(for:)`); storing the URL would rewrite the credential on every run.
                ServiceCredential(
                    service: .chatwoot, secret: simulated.chatwootAPIAccessToken,
                    settings: ["account_id": String(simulated.chatwootAccountID)]
                ),
                ServiceCredential(service: .clerk, secret: simulated.clerkSecretKey),
            ]
            for credential in wanted {
                let current = try? await credentials.credential(
                    for: credential.service, organization: simulated.id, logger: logger)
                if current != credential {
                    try await credentials.set(credential, organization: simulated.id, actor: actor, logger: logger)
                }
            }
        }
    }

    /// Where each sandbox organization's sources live.
    func overrides(for organization: String) -> OrganizationRunner.Overrides {
        let simulated = endpoints.organizations.first { $0.id == organization }
        return OrganizationRunner.Overrides(
            clinikoBaseURL: simulated?.clinikoBaseURL,
            chatwootBaseURL: simulated?.chatwootBaseURL,
            clerkBaseURL: endpoints.clerkAPIBaseURL
        )
    }
}
