import Foundation
import HTTPTypes
import HummingbirdTesting
import Sandbox
import Testing

@Suite("Chatwoot behind nginx")
struct ChatwootUnderscoreHeaderTests {
    @Test("With dropped underscore headers only Api-Access-Token authenticates")
    func droppedUnderscoreHeaders() async throws {
        let configuration = SandboxServer.Configuration(
            port: 0, seed: 1, organizationCount: 1, patientsPerOrganization: 50, now: SandboxHarness.now,
            rateLimits: .unlimited, options: .init(chatwootDropsUnderscoreHeaders: true)
        )
        try await withRunningSandbox(configuration: configuration, logger: .init(label: "test")) { endpoints in
            let port = Int(endpoints.baseURL.split(separator: ":").last!)!
            let sandbox = SandboxHarness(endpoints: endpoints, port: port)
            let underscore = try await sandbox.chatwoot("/contacts")
            #expect(underscore.status == 401)
            let org = sandbox.organization
            let dashed = try await sandbox.request(
                "\(org.chatwootBaseURL)/api/v1/accounts/\(org.chatwootAccountID)/contacts",
                headers: [HTTPField.Name("Api-Access-Token")!: org.chatwootAPIAccessToken]
            )
            #expect(dashed.status == 200)
        }
    }
}
