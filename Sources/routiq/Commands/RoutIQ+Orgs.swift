import ArgumentParser
import Foundation
import Load
import Logging
import Pipeline

extension RoutIQ {
    /// `routiq orgs …`: organizations and their credentials.
    struct Orgs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register organizations and manage their service credentials.",
            discussion: """
                Credentials are sealed with AES-256-GCM using CREDENTIALS_ENCRYPTION_KEY (for the embedded database \
                a key is generated into $ROUTIQ_HOME/credentials.key). Secrets are read from standard input or \
                from an environment variable named with --from-env, never from the command line.
                """,
            subcommands: [Add.self, List.self, Show.self, SetCredential.self, RemoveCredential.self]
        )
    }
}

extension RoutIQ.Orgs {
    /// `routiq orgs add`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an organization (a clinic).")

        @Argument(help: ArgumentHelp("The Clerk organization id, e.g. org_2abc….", valueName: "org-id"))
        var organization: String

        @Option(help: "The clinic's display name.")
        var name: String

        @Option(help: "The Clerk slug.")
        var slug: String?

        @Option(help: "The IANA time zone days are counted in.")
        var timeZone: String = "Australia/Sydney"

        @Option(help: "The ISO region for phone numbers without a country code.")
        var region: String = "AU"

        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard OrganizationID.isWellFormed(organization) else {
                throw ValidationError(
                    "'\(organization)' is not a well-formed organization id (expected \(OrganizationID.formatDescription))"
                )
            }
            guard TimeZone(identifier: timeZone) != nil else {
                throw ValidationError(
                    "unknown time zone '\(timeZone)'"
                        + Suggestion.hint(for: timeZone, in: TimeZone.knownTimeZoneIdentifiers))
            }
            guard region.count == 2, region.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
                throw ValidationError(
                    "--region must be a two-letter upper-case region code such as AU, got '\(region)'")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--name must not be empty")
            }
        }

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            try await CommandFailure.reporting {
                try await DatabaseContext(environment: environment).withMigratedDatabase(logger: logger) { client in
                    let organization = Organization(
                        id: organization, name: name, slug: slug, timeZone: timeZone, phoneRegion: region)
                    try await OrganizationStore(client: client).add(
                        organization, actor: environment.actor, logger: logger)
                }
                print("Added \(organization) (\(name)).")
            }
        }
    }

    /// `routiq orgs list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered organizations.")

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            try await CommandFailure.reporting {
                let organizations = try await DatabaseContext(environment: environment).withMigratedDatabase(
                    logger: logger
                ) {
                    try await OrganizationStore(client: $0).list(logger: logger)
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    encoder.dateEncodingStrategy = .iso8601
                    print(String(decoding: try encoder.encode(organizations), as: UTF8.self))
                    return
                }
                guard !organizations.isEmpty else {
                    print("No organizations registered yet. Add one with `routiq orgs add ORG_ID --name NAME`.")
                    return
                }
                var table = TextTable(["ID", "NAME", "TIME ZONE", "REGION"])
                for organization in organizations {
                    table.append([organization.id, organization.name, organization.timeZone, organization.phoneRegion])
                }
                print(table.rendered)
            }
        }
    }

    /// `routiq orgs show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an organization and which credentials are set (never their values).")

        @Argument(help: ArgumentHelp("The organization id.", valueName: "org-id"))
        var organization: String

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            let context = DatabaseContext(environment: environment)
            try await CommandFailure.reporting {
                let (found, statuses) = try await context.withMigratedDatabase(logger: logger) { client in
                    let found = try await OrganizationStore(client: client).find(organization, logger: logger)
                    let statuses = try await CredentialStore(client: client, vault: context.vault())
                        .statuses(organization: organization, logger: logger)
                    return (found, statuses)
                }
                guard let found else {
                    throw DatabaseError(
                        .notFound, "organization \(organization) is not registered (see `routiq orgs list`)")
                }
                print("id:        \(found.id)")
                print("name:      \(found.name)")
                print("slug:      \(found.slug ?? "-")")
                print("time zone: \(found.timeZone)")
                print("region:    \(found.phoneRegion)")
                print("credentials:")
                let formatter = ISO8601DateFormatter()
                for service in CredentialService.allCases {
                    if let status = statuses.first(where: { $0.service == service }) {
                        print(
                            "  \(service.rawValue): set (updated \(formatter.string(from: status.updatedAt)) by \(status.updatedBy))"
                        )
                    } else {
                        print("  \(service.rawValue): not set")
                    }
                }
            }
        }
    }

    /// `routiq orgs set-credential`.
    struct SetCredential: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a service credential for an organization (read from standard input or --from-env).",
            discussion: """
                Examples:
                  routiq orgs set-credential org_abc cliniko --from-env CLINIKO_API_KEY
                  printf '%s' "$TOKEN" | routiq orgs set-credential org_abc chatwoot --base-url https://chat.example.com --account-id 3
                  routiq orgs set-credential org_abc clerk        # prompts, input hidden
                """
        )

        @Argument(help: ArgumentHelp("The organization id.", valueName: "org-id"))
        var organization: String

        @Argument(help: ArgumentHelp("cliniko, chatwoot or clerk.", valueName: "service"))
        var service: String

        @Option(
            help: ArgumentHelp(
                "Read the secret from this environment variable instead of standard input.", valueName: "VAR"))
        var fromEnv: String?

        @Option(help: "Chatwoot only: the base URL of the Chatwoot installation.")
        var baseURL: String?

        @Option(help: "Chatwoot only: the account id.")
        var accountID: Int?

        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard let service = CredentialService(rawValue: service) else {
                let names = CredentialService.allCases.map(\.rawValue)
                throw ValidationError(
                    "unknown service '\(self.service)' (expected one of \(names.joined(separator: ", ")))"
                        + Suggestion.hint(for: self.service, in: names))
            }
            if service == .chatwoot {
                guard let baseURL else {
                    throw ValidationError("chatwoot needs --base-url (e.g. https://app.chatwoot.com)")
                }
                if let problem = BaseURLRule.problem(with: baseURL) {
                    throw ValidationError("--base-url \(problem.requirement)")
                }
                guard let accountID, accountID > 0 else {
                    throw ValidationError("chatwoot needs --account-id (a positive number)")
                }
            } else if baseURL != nil || accountID != nil {
                throw ValidationError("--base-url and --account-id apply to chatwoot only")
            }
        }

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            let context = DatabaseContext(environment: environment)
            guard let service = CredentialService(rawValue: service) else { throw CommandFailure.invalidConfiguration }
            try await CommandFailure.reporting {
                let secret = try readSecret(service: service, environment: environment)
                if let problem = SecretShape.problem(with: secret, for: service) {
                    throw ValidationError(problem)
                }
                var settings: [String: String] = [:]
                if service == .chatwoot, let baseURL, let accountID {
                    settings = ["base_url": baseURL, "account_id": String(accountID)]
                }
                let credential = ServiceCredential(service: service, secret: secret, settings: settings)
                try await context.withMigratedDatabase(logger: logger) { client in
                    try await CredentialStore(client: client, vault: context.vault())
                        .set(credential, organization: organization, actor: environment.actor, logger: logger)
                }
                print("Stored the \(service.rawValue) credential for \(organization).")
            }
        }

        private func readSecret(service: CredentialService, environment: RuntimeEnvironment) throws -> String {
            if let fromEnv {
                guard let value = environment.variables[fromEnv], !value.isEmpty else {
                    throw ValidationError("environment variable \(fromEnv) is not set")
                }
                return value.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard
                let secret = SecretReader.read(
                    prompt: "\(service.rawValue) secret for \(organization) (input hidden): ")
            else {
                throw ValidationError("no secret on standard input (pipe it in, or use --from-env VAR)")
            }
            return secret
        }
    }

    /// `routiq orgs remove-credential`.
    struct RemoveCredential: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a stored service credential.")

        @Argument(help: ArgumentHelp("The organization id.", valueName: "org-id"))
        var organization: String

        @Argument(help: ArgumentHelp("cliniko, chatwoot or clerk.", valueName: "service"))
        var service: String

        @OptionGroup var options: GlobalOptions

        func validate() throws {
            guard CredentialService(rawValue: service) != nil else {
                let names = CredentialService.allCases.map(\.rawValue)
                throw ValidationError(
                    "unknown service '\(service)' (expected one of \(names.joined(separator: ", ")))"
                        + Suggestion.hint(for: service, in: names))
            }
        }

        func run() async throws {
            let environment = RuntimeEnvironment()
            let logger = options.makeLogger(environment: environment)
            let context = DatabaseContext(environment: environment)
            guard let service = CredentialService(rawValue: service) else { throw CommandFailure.invalidConfiguration }
            try await CommandFailure.reporting {
                let removed = try await context.withMigratedDatabase(logger: logger) { client in
                    try await CredentialStore(client: client, vault: context.vault())
                        .remove(service, organization: organization, actor: environment.actor, logger: logger)
                }
                print(
                    removed
                        ? "Removed the \(service.rawValue) credential of \(organization)."
                        : "\(organization) had no \(service.rawValue) credential.")
            }
        }
    }
}
