import Foundation
import Yams

extension PipelineNodeReader {
    static let topLevelKeys = [
        "version", "name", "description", "organizations", "timezone_from", "schedule", "full_schedule", "http",
        "sandbox",
        "stages",
    ]

    /// Reads the whole file. Returns a definition even when there are errors (the caller discards it then).
    func readPipeline(_ root: Node?) -> PipelineDefinition? {
        guard let root, !Self.isNull(root) else {
            error(.start, "the file is empty; a pipeline needs 'version', 'name' and 'stages'")
            return nil
        }
        guard let entries = entries(of: root, what: "a pipeline file") else { return nil }
        let top = MappingSection(reader: self, name: "the pipeline", location: location(of: root), entries: entries)
        top.finish(allowed: Self.topLevelKeys)

        let version = readVersion(top)
        let name = readName(top)
        let description = top.optionalString("description") ?? ""
        let organizations = readOrganizations(top)
        let timeZoneSource = readTimeZoneSource(top)
        let schedule = readSchedule(top, key: "schedule")
        let fullSchedule = readSchedule(top, key: "full_schedule")
        if fullSchedule != nil, schedule == nil, let entry = top.entry("full_schedule") {
            error(entry.keyLocation, "'full_schedule' needs a 'schedule': it only decides which due runs are full")
        }
        let http = readHTTP(top)
        let sandbox = readSandbox(top)
        let stages = readStages(top)
        validateOrder(of: stages, topLocation: top.location)
        let httpEntry = top.entry("http")
        let contactEmailWritten: Bool
        if let httpEntry, case .mapping(let mapping) = httpEntry.value {
            contactEmailWritten = mapping.keys.contains { $0.string == "contact_email" }
        } else {
            contactEmailWritten = httpEntry != nil  // a malformed `http:` is reported on its own
        }
        if !contactEmailWritten,
            let firstExtract = stages.first(where: { if case .extract = $0.kind { true } else { false } })
        {
            error(
                httpEntry?.keyLocation ?? firstExtract.location,
                "missing 'http.contact_email': the APIs require a contact e-mail in the User-Agent (Cliniko rejects requests without one)"
            )
        }
        var definition = PipelineDefinition(
            version: version,
            name: name,
            description: description,
            organizations: organizations,
            timeZoneSource: timeZoneSource,
            schedule: schedule,
            http: http,
            sandbox: sandbox,
            stages: stages
        )
        definition.fullSchedule = fullSchedule
        return definition
    }

    private func readVersion(_ top: MappingSection) -> Int {
        guard let entry = top.required("version", hint: " (write 'version: 1')") else { return 1 }
        guard let scalar = scalarText(of: entry.value, subject: "'version'") else { return 1 }
        guard let version = Int(scalar.value) else {
            error(scalar.location, "'version' must be an integer, got \(scalar.quoted)")
            return 1
        }
        if version != 1 {
            error(
                scalar.location,
                "unsupported version \(scalar.isInterpolated ? scalar.quoted : scalar.written); this RoutIQ reads version 1"
            )
        }
        return version
    }

    private func readName(_ top: MappingSection) -> String {
        guard top.required("name") != nil, let scalar = top.string("name") else { return "" }
        let name = scalar.value
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
        if name.isEmpty || !allowed || name.count > 64 {
            error(
                scalar.location, "'name' must be 1 to 64 lower-case letters, digits, '-' or '_', got \(scalar.quoted)")
        }
        return name
    }

    private func readOrganizations(_ top: MappingSection) -> PipelineDefinition.OrganizationSelection {
        guard let entry = top.entry("organizations") else { return .all }
        switch entry.value {
        case .scalar:
            guard let scalar = scalarText(of: entry.value, subject: "'organizations'") else { return .all }
            if scalar.value == "all" { return .all }
            error(scalar.location, "'organizations' must be 'all' or a list of organization ids, got \(scalar.quoted)")
            return .all
        case .sequence:
            var ids: [OrganizationID] = []
            for item in top.list("organizations") ?? [] {
                guard let id = OrganizationID(item.value) else {
                    error(
                        item.location,
                        "\(item.quoted) is not a well-formed organization id (expected \(OrganizationID.formatDescription))"
                    )
                    continue
                }
                if ids.contains(id) {
                    error(item.location, "organization \(item.quoted) is listed twice")
                    continue
                }
                ids.append(id)
            }
            if ids.isEmpty, case .sequence(let sequence) = entry.value, sequence.isEmpty {
                error(location(of: entry.value), "'organizations' must list at least one organization id, or be 'all'")
            }
            return .only(ids)
        default:
            error(
                location(of: entry.value),
                "'organizations' must be 'all' or a list of organization ids, got \(Self.describe(entry.value))")
            return .all
        }
    }

    private func readTimeZoneSource(_ top: MappingSection) -> PipelineDefinition.TimeZoneSource {
        guard let scalar = top.string("timezone_from") else { return .organization }
        let text = scalar.value
        if text == "organization" { return .organization }
        if TimeZone(identifier: text) != nil, text.contains("/") || text == "UTC" { return .fixed(text) }
        error(
            scalar.location,
            "'timezone_from' must be 'organization' or a time zone such as 'Australia/Sydney', got \(scalar.quoted)"
                + Suggestion.hint(for: text, in: TimeZone.knownTimeZoneIdentifiers + ["organization"])
        )
        return .organization
    }

    private func readHTTP(_ top: MappingSection) -> HTTPSettings {
        guard let entry = top.entry("http"), let entries = entries(of: entry.value, what: "'http'") else {
            return HTTPSettings()
        }
        let section = MappingSection(
            reader: self, name: "'http'", location: location(of: entry.value), entries: entries)
        section.finish(allowed: [
            "contact_email", "timeout_seconds", "max_attempts", "initial_backoff_ms", "max_backoff_ms",
            "max_concurrent_requests", "max_body_mib",
        ])
        var settings = HTTPSettings()
        if let scalar = section.string("contact_email") {
            if Self.isPlausibleEmail(scalar.value) {
                settings.contactEmail = scalar.value
            } else {
                error(scalar.location, "'contact_email' must be an e-mail address, got \(scalar.quoted)")
            }
        }
        settings.timeoutSeconds = section.integer("timeout_seconds", default: 30, range: 1...600)
        settings.maxAttempts = section.integer("max_attempts", default: 6, range: 1...20)
        settings.initialBackoffMilliseconds = section.integer("initial_backoff_ms", default: 250, range: 1...60_000)
        settings.maxBackoffMilliseconds = section.integer("max_backoff_ms", default: 30_000, range: 1...600_000)
        settings.maxConcurrentRequests = section.integer("max_concurrent_requests", default: 4, range: 1...64)
        settings.maxBodyMebibytes = section.integer(
            "max_body_mib", default: HTTPSettings.defaultMaxBodyMebibytes, range: 1...1_024)
        if settings.initialBackoffMilliseconds > settings.maxBackoffMilliseconds,
            let entry = section.entry("initial_backoff_ms")
        {
            error(
                location(of: entry.value),
                "'initial_backoff_ms' must not exceed 'max_backoff_ms' (\(settings.maxBackoffMilliseconds))")
        }
        return settings
    }

    private func readSandbox(_ top: MappingSection) -> SandboxSettings? {
        guard let entry = top.entry("sandbox") else { return nil }
        guard let entries = entries(of: entry.value, what: "'sandbox'") else { return nil }
        let section = MappingSection(
            reader: self, name: "'sandbox'", location: location(of: entry.value), entries: entries)
        section.finish(allowed: ["seed", "organizations", "patients", "now"])
        var settings = SandboxSettings()
        settings.seed = section.integer("seed", default: 1, range: 0...Int(Int32.max))
        settings.organizations = section.integer("organizations", default: 3, range: 1...100)
        settings.patients = section.integer("patients", default: 2_000, range: 1...1_000_000)
        if let scalar = section.string("now"), scalar.value != "start_of_day" {
            if let instant = Instant.parse(scalar.value) {
                settings.now = .instant(instant)
            } else {
                error(
                    scalar.location,
                    "'now' must be 'start_of_day' or an ISO-8601 instant such as 2026-03-01T00:00:00Z, got \(scalar.quoted)"
                )
            }
        }
        return settings
    }

    static func isPlausibleEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }

    /// A cron expression under `key`, or `nil` (with an error at its location when it is not valid).
    private func readSchedule(_ top: MappingSection, key: String) -> String? {
        guard let scalar = top.string(key) else { return nil }
        guard let problem = CronExpression.problem(in: scalar.value) else { return scalar.value }
        // The problem quotes parts of the expression: only say it when nothing was expanded into it.
        error(
            scalar.location,
            scalar.isInterpolated
                ? "'\(key)' must be a cron expression with 5 fields (minute hour day-of-month month day-of-week), got \(scalar.quoted)"
                : "'\(key)' \(problem)")
        return nil
    }
}
