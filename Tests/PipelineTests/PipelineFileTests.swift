import Foundation
import Pipeline
import Testing

/// The broken files in `Fixtures/invalid` each end with `# expect: LINE:COLUMN: error: MESSAGE` comments listing
/// exactly the diagnostics the parser must report, in order.
@Suite("Pipeline files")
struct PipelineFileTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let invalidFolder = packageRoot.appendingPathComponent("Tests/PipelineTests/Fixtures/invalid")
    static let invalidFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: invalidFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".yml") }.sorted()
    }()

    let parser = PipelineFileParser(configuration: .init(environment: ["ROUTIQ_TEST_SET": "set"]))

    @Test("there are at least 25 broken files")
    func enoughBrokenFiles() {
        #expect(Self.invalidFiles.count >= 25)
    }

    @Test("each broken file reports exactly its expected diagnostics", arguments: invalidFiles)
    func brokenFile(_ name: String) throws {
        let url = Self.invalidFolder.appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        let expected = text.split(separator: "\n")
            .filter { $0.hasPrefix("# expect: ") }
            .map { String($0.dropFirst("# expect: ".count)) }
        #expect(!expected.isEmpty, "\(name) lists no expected diagnostics")
        let result = parser.parse(text: text, file: name)
        #expect(result.definition == nil)
        #expect(!result.isValid)
        let actual = result.diagnostics.map { "\($0.line):\($0.column): \($0.severity.rawValue): \($0.message)" }
        #expect(actual == expected)
        #expect(result.diagnostics.allSatisfy { $0.file == name })
    }

    @Test("the shipped example pipelines are valid with an empty environment", arguments: ["demo.yml", "nightly.yml"])
    func examplePipeline(_ name: String) throws {
        let url = Self.packageRoot.appendingPathComponent("pipelines").appendingPathComponent(name)
        let result = PipelineFileParser(configuration: .init(environment: [:])).parse(contentsOf: url)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let definition = try #require(result.definition)
        #expect(definition.version == 1)
        #expect(definition.stages.count == 10)
        #expect(definition.load != nil)
    }

    @Test("every pipeline file in pipelines/ is valid")
    func everyShippedPipeline() throws {
        let folder = Self.packageRoot.appendingPathComponent("pipelines")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yml") }
        #expect(names.count >= 2)
        for name in names {
            let result = parser.parse(contentsOf: folder.appendingPathComponent(name))
            #expect(result.isValid, "\(name): \(result.diagnostics)")
        }
    }

    @Test("defaults fill every unset knob")
    func defaults() throws {
        let text = """
            version: 1
            name: minimal
            http:
              contact_email: ops@example.com
            stages:
              - extract: cliniko
              - load: postgres
              - transform: score_activity
              - transform: aggregate_appointments
              - report: json
            """
        let definition = try #require(parser.parse(text: text, file: "minimal.yml").definition)
        #expect(definition.organizations == .all)
        #expect(definition.timeZoneSource == .organization)
        #expect(definition.http.timeoutSeconds == 30)
        #expect(definition.http.maxAttempts == 6)
        #expect(definition.sandbox == nil)
        guard case .cliniko(let cliniko) = definition.stages[0].settings else {
            Issue.record("first stage is not cliniko")
            return
        }
        #expect(cliniko.common.resources == ClinikoExtractSettings.resources)
        #expect(cliniko.common.mode == .incremental)
        #expect(cliniko.common.requestsPerMinute == 200)
        #expect(cliniko.perPage == 100)
        #expect(cliniko.overlapMinutes == 5)
        #expect(definition.stages[1].settings == .load(LoadSettings(maxRejects: .percent(10))))
        #expect(definition.stages[2].settings == .scoreActivity(ScoreActivitySettings()))
        #expect(
            definition.stages[3].settings
                == .aggregateAppointments(AggregateAppointmentsSettings(weeksBack: 26, weeksAhead: 4)))
        #expect(
            definition.stages.map(\.id) == [
                "extract.cliniko", "load.postgres", "transform.score_activity", "transform.aggregate_appointments",
                "report.json",
            ])
    }

    @Test("score_activity selects the BG/NBD model by default and the original rules with model: rules_v1")
    func scoringModel() throws {
        for (line, expected) in [("", ScoreActivitySettings.Model.bgnbd), ("    model: rules_v1\n", .rulesV1)] {
            let text =
                """
                version: 1
                name: scoring
                http:
                  contact_email: ops@example.com
                stages:
                  - extract: cliniko
                  - load: postgres
                  - transform: score_activity

                """ + line
            let result = parser.parse(text: text, file: "s.yml")
            let definition = try #require(result.definition, "\(result.diagnostics)")
            #expect(definition.stages[2].settings == .scoreActivity(ScoreActivitySettings(model: expected)))
        }
    }

    @Test("values are interpolated from the given environment, with defaults")
    func interpolation() throws {
        let text = """
            version: 1
            name: interpolated
            organizations: ["${FIRST_ORG}", org_second]
            http:
              contact_email: ${EMAIL:-fallback@example.com}
            stages:
              - extract: cliniko
                mode: ${MODE}
                per_page: ${PER_PAGE:-50}
              - load: postgres
            """
        let environment = ["FIRST_ORG": "org_first", "MODE": "full"]
        let result = PipelineFileParser(configuration: .init(environment: environment)).parse(text: text, file: "i.yml")
        let definition = try #require(result.definition, "\(result.diagnostics)")
        #expect(definition.organizations == .only([OrganizationID("org_first")!, OrganizationID("org_second")!]))
        #expect(definition.http.contactEmail == "fallback@example.com")
        guard case .cliniko(let cliniko) = definition.stages[0].settings else {
            Issue.record("first stage is not cliniko")
            return
        }
        #expect(cliniko.common.mode == .full)
        #expect(cliniko.perPage == 50)
    }

    @Test("a Cliniko base_url may name the key's shard as {shard}")
    func clinikoShardPlaceholder() throws {
        let text = """
            version: 1
            name: sharded
            http:
              contact_email: dev@example.com
            stages:
              - extract: cliniko
                base_url: ${SANDBOX_URL}/cliniko/{shard}/v1
            """
        let environment = ["SANDBOX_URL": "http://127.0.0.1:8089"]
        let result = PipelineFileParser(configuration: .init(environment: environment)).parse(text: text, file: "s.yml")
        let definition = try #require(result.definition, "\(result.diagnostics)")
        guard case .cliniko(let cliniko) = definition.stages[0].settings else {
            Issue.record("first stage is not cliniko")
            return
        }
        #expect(cliniko.common.baseURL == "http://127.0.0.1:8089/cliniko/{shard}/v1")
    }

    @Test("a missing file is one diagnostic at 1:1")
    func missingFile() {
        let result = parser.parse(contentsOf: URL(fileURLWithPath: "/nonexistent/routiq.yml"), displayName: "nope.yml")
        #expect(result.diagnostics.map(\.description) == ["nope.yml:1:1: error: no such file"])
    }

    @Test("diagnostics print as FILE:LINE:COLUMN: error: MESSAGE")
    func diagnosticFormat() {
        let diagnostic = Diagnostic(file: "p.yml", location: SourceLocation(line: 3, column: 7), message: "boom")
        #expect(diagnostic.description == "p.yml:3:7: error: boom")
    }
}
