import Pipeline
import Testing

/// A pipeline file must not be able to send secrets anywhere: secret variables are never interpolated, `base_url` is
/// `https` except to loopback, diagnostics never show an expanded value, and `database:` is gone.
@Suite("Pipeline file security")
struct PipelineFileSecurityTests {
    static let header = """
        version: 1
        name: guarded
        http:
          contact_email: ops@example.com
        stages:

        """

    func parse(_ stages: String, environment: [String: String] = [:], secretVariables: Set<String> = [])
        -> PipelineFileParser.Result
    {
        PipelineFileParser(configuration: .init(environment: environment, secretVariables: secretVariables))
            .parse(text: Self.header + stages, file: "guarded.yml")
    }

    // MARK: Secret variables

    @Test("a secret variable is refused at its position and never expanded, even with a default")
    func secretVariableRefused() throws {
        let result = parse(
            """
              - extract: cliniko
                base_url: https://example.invalid/${CREDENTIALS_ENCRYPTION_KEY}/
              - extract: clerk
                base_url: https://example.invalid/${CLERK_SECRET_KEY:-x}
            """,
            environment: ["CREDENTIALS_ENCRYPTION_KEY": "VAULT-KEY-SENTINEL", "CLERK_SECRET_KEY": "sk_SENTINEL"])
        #expect(result.definition == nil)
        let diagnostics = result.diagnostics.map(\.description)
        #expect(
            diagnostics == [
                "guarded.yml:7:39: error: environment variable 'CREDENTIALS_ENCRYPTION_KEY' holds a secret and cannot be used in a pipeline file; secrets come only from the environment and the credential vault ('routiq orgs set-credential'), never from a pipeline file",
                "guarded.yml:9:39: error: environment variable 'CLERK_SECRET_KEY' holds a secret and cannot be used in a pipeline file; secrets come only from the environment and the credential vault ('routiq orgs set-credential'), never from a pipeline file",
            ])
        #expect(!diagnostics.joined().contains("SENTINEL"))
    }

    @Test(
        "the fixed list and the name rule mark secrets",
        arguments: [
            "CREDENTIALS_ENCRYPTION_KEY", "DATABASE_URL", "PGPASSWORD", "PGPASSFILE", "CLINIKO_API_KEY", "APIKEY",
            "api_key", "ClerkSecretKey", "CHATWOOT_TOKEN", "GITHUB_TOKENS", "SMTP_PASSWORD2", "DB_PASSWD", "DB_PASS",
            "MY_CREDENTIALS", "KEY", "SECRET",
        ])
    func secretNames(_ name: String) {
        #expect(EnvironmentInterpolator(environment: [:]).isSecret(name))
    }

    @Test(
        "ordinary names are not secrets",
        arguments: [
            "CLINIKO_MODE", "ROUTIQ_CONTACT_EMAIL", "ROUTIQ_OUTPUT", "SANDBOX_URL", "ROUTIQ_BENCH_SANDBOX_URL", "HOME",
            "KEYBOARD_LAYOUT", "PASSPORT_OFFICE", "MODE", "FIRST_ORG",
        ])
    func ordinaryNames(_ name: String) {
        #expect(!EnvironmentInterpolator(environment: [:]).isSecret(name))
    }

    @Test("names the caller or ROUTIQ_SECRET_VARIABLES lists are secrets too")
    func configuredSecretNames() {
        let stages = """
              - extract: cliniko
                mode: ${CLINIKO_MODE}
              - extract: chatwoot
                mode: ${BOT_MODE}
            """
        let environment = ["CLINIKO_MODE": "full", "BOT_MODE": "full"]
        #expect(parse(stages, environment: environment).isValid)
        let byCaller = parse(stages, environment: environment, secretVariables: ["CLINIKO_MODE"])
        #expect(byCaller.diagnostics.map(\.line) == [7])
        #expect(byCaller.diagnostics.allSatisfy { $0.message.contains("'CLINIKO_MODE' holds a secret") })
        var listed = environment
        listed["ROUTIQ_SECRET_VARIABLES"] = "OTHER, BOT_MODE"
        let byList = parse(stages, environment: listed)
        #expect(byList.diagnostics.map(\.line) == [9])
        #expect(byList.diagnostics.allSatisfy { $0.message.contains("'BOT_MODE' holds a secret") })
    }

    @Test("a non-secret variable still expands")
    func ordinaryVariableExpands() throws {
        let result = parse(
            """
              - extract: cliniko
                mode: ${CLINIKO_MODE:-incremental}
                base_url: ${SANDBOX_URL}/cliniko/{shard}/v1
            """,
            environment: ["CLINIKO_MODE": "full", "SANDBOX_URL": "http://127.0.0.1:8089"])
        let definition = try #require(result.definition, "\(result.diagnostics)")
        guard case .cliniko(let cliniko) = definition.stages[0].settings else {
            Issue.record("first stage is not cliniko")
            return
        }
        #expect(cliniko.common.mode == .full)
        #expect(cliniko.common.baseURL == "http://127.0.0.1:8089/cliniko/{shard}/v1")
    }

    // MARK: base_url

    @Test(
        "plain http to a public host is refused",
        arguments: [
            "http://example.invalid/v1", "http://api.au1.cliniko.com/v1", "http://10.0.0.5:8080", "http://128.0.0.1",
            "http://localhost.example.com", "http://127.0.0.1.example.com", "http://[::2]:80", "http://127.1",
        ])
    func plainHTTPRefused(_ url: String) throws {
        let result = parse("  - extract: clerk\n    base_url: \(url)\n")
        #expect(result.definition == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.line == 7 && diagnostic.column == 15)
        #expect(diagnostic.message.hasPrefix("'base_url' must use https://"))
    }

    @Test(
        "plain http to loopback and https anywhere are accepted",
        arguments: [
            "http://127.0.0.1:8089/clerk/v1", "http://127.9.8.7/v1", "http://localhost:8089", "http://LOCALHOST/v1",
            "http://[::1]:8089/v1", "https://api.clerk.com/v1", "https://example.invalid", "https://10.0.0.5:8443/x",
        ])
    func allowedBaseURL(_ url: String) throws {
        let result = parse("  - extract: clerk\n    base_url: \(url)\n")
        let definition = try #require(result.definition, "\(url): \(result.diagnostics)")
        guard case .clerk(let clerk) = definition.stages[0].settings else {
            Issue.record("first stage is not clerk")
            return
        }
        #expect(clerk.common.baseURL == url)
    }

    // MARK: Expanded values

    /// Every value below comes from the environment and is invalid, so each yields a diagnostic; none may show what
    /// the variable held.
    @Test("no diagnostic shows an expanded value")
    func expandedValuesNeverShown() {
        let sentinel = "S3NT1NEL"
        let numeric = "987654321"
        let environment = [
            "TEXT": "\(sentinel)-value", "HOST": "\(sentinel).example.com", "NUMBER": numeric,
            "FRACTION": "\(numeric).5", "CRON": "\(sentinel) 99 * * *",
        ]
        let text = """
            version: ${TEXT}
            name: ${TEXT}
            description: ${TEXT}
            organizations: ["${TEXT}", "org_${TEXT}"]
            timezone_from: ${TEXT}
            schedule: ${CRON}
            http:
              contact_email: ${TEXT}
              timeout_seconds: ${NUMBER}
              max_attempts: ${TEXT}
            sandbox:
              seed: ${TEXT}
              now: ${TEXT}
            stages:
              - extract: ${TEXT}
              - extract: cliniko
                id: ${TEXT}
                resources: ["${TEXT}"]
                mode: ${TEXT}
                base_url: http://${HOST}/v1
                per_page: ${NUMBER}
              - extract: chatwoot
                keep_message_content: ${TEXT}
                base_url: ${TEXT}
              - transform: normalize_phones
                default_region: ${TEXT}
              - transform: match_contacts
                by: ["${TEXT}"]
              - load: postgres
                max_rejects: ${TEXT}
              - transform: score_activity
                average_fee: ${FRACTION}
                recent_days: ${TEXT}
              - report: ${TEXT}
            """
        let result = PipelineFileParser(configuration: .init(environment: environment))
            .parse(text: text, file: "sentinel.yml")
        #expect(result.definition == nil)
        #expect(result.diagnostics.count >= 20, "\(result.diagnostics)")
        for diagnostic in result.diagnostics {
            #expect(!diagnostic.description.contains(sentinel), "\(diagnostic)")
            #expect(!diagnostic.description.contains(numeric), "\(diagnostic)")
        }
        #expect(result.diagnostics.contains { $0.message.contains("got '${TEXT}' (expanded value not shown)") })
    }

    // MARK: database

    @Test("a load stage's 'database:' is an error that says where the database comes from, quoting no value")
    func databaseKeyRefused() throws {
        let result = parse(
            """
              - extract: cliniko
              - load: postgres
                database: postgres://routiq:hunter2@db.example.com/routiq
            """)
        #expect(result.definition == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.line == 8 && diagnostic.column == 5)
        #expect(diagnostic.message.contains("DATABASE_URL"))
        #expect(diagnostic.message.contains("remove it"))
        #expect(!diagnostic.message.contains("hunter2"))
    }
}
