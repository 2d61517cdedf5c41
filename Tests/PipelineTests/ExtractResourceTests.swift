import Pipeline
import Testing

/// Each source's resources are a closed set whose names are the ones pipeline files, `sync_state`, the quarantine and
/// a run's figures use.
@Suite("extract resources")
struct ExtractResourceTests {
    @Test("the raw values are the stored names, in the default reading order")
    func names() {
        #expect(
            ClinikoResource.allCases.map(\.rawValue) == [
                "patients", "individual_appointments", "appointment_types", "practitioners", "businesses",
            ])
        #expect(ChatwootResource.allCases.map(\.rawValue) == ["contacts", "conversations", "messages"])
        #expect(ClerkResource.allCases.map(\.rawValue) == ["organizations", "users", "memberships"])
    }

    @Test("a stage's resources are parsed into its source's enum, in file order")
    func parsed() throws {
        let yaml = """
            version: 1
            name: typed
            organizations: all
            http:
              contact_email: tests@routiq.invalid
            stages:
              - extract: cliniko
                resources: [businesses, patients]
              - extract: chatwoot
                resources: [messages]
              - extract: clerk
              - load: postgres
            """
        let parsed = PipelineFileParser(configuration: .init(environment: [:])).parse(text: yaml, file: "typed.yml")
        let definition = try #require(parsed.definition, "\(parsed.diagnostics)")
        var seen = 0
        for stage in definition.stages {
            switch stage.settings {
            case .cliniko(let settings):
                #expect(settings.common.resources == [.businesses, .patients])
                seen += 1
            case .chatwoot(let settings):
                #expect(settings.common.resources == [.messages])
                seen += 1
            case .clerk(let settings):
                #expect(settings.common.resources == ClerkResource.allCases)
                seen += 1
            case .normalizePhones, .matchContacts, .scoreActivity, .aggregateAppointments, .load, .report:
                break
            }
        }
        #expect(seen == 3)
    }
}
