import Foundation
import Yams

extension PipelineNodeReader {
    func readStages(_ top: MappingSection) -> [StageDefinition] {
        guard let entry = top.required("stages") else { return [] }
        guard case .sequence(let sequence) = entry.value else {
            error(location(of: entry.value), "'stages' must be a list of stages, got \(Self.describe(entry.value))")
            return []
        }
        if sequence.isEmpty {
            error(location(of: entry.value), "'stages' must list at least one stage")
        }
        var stages: [StageDefinition] = []
        var failures = 0
        var firstLocationByID: [String: SourceLocation] = [:]
        for item in sequence {
            guard let stage = readStage(item) else {
                failures += 1
                continue
            }
            if let first = firstLocationByID[stage.id] {
                error(
                    stage.location,
                    "duplicate stage id '\(stage.id)' (first used at \(first)); give one of them an 'id:'")
                continue
            }
            firstLocationByID[stage.id] = stage.location
            stages.append(stage)
        }
        hasUnreadableStages = failures > 0
        return stages
    }

    private func readStage(_ node: Node) -> StageDefinition? {
        guard let allEntries = entries(of: node, what: "a stage") else { return nil }
        let kindEntries = allEntries.filter { StageKind.keys.contains($0.key) }
        guard let kindEntry = kindEntries.first else {
            let firstKey = allEntries.first?.key ?? ""
            error(
                location(of: node),
                "a stage needs one of 'extract', 'transform', 'load' or 'report'"
                    + Suggestion.hint(for: firstKey, in: StageKind.keys)
            )
            return nil
        }
        for extra in kindEntries.dropFirst() {
            error(
                extra.keyLocation,
                "a stage has one kind, but this one has both '\(kindEntry.key)' and '\(extra.key)'; split it into two stages"
            )
        }
        let entries = allEntries.filter { !StageKind.keys.contains($0.key) || $0.key == kindEntry.key }
        guard let kindName = scalarText(of: kindEntry.value, subject: "'\(kindEntry.key)'") else { return nil }
        let settings: StageSettings?
        let defaultID: String
        switch kindEntry.key {
        case "extract":
            guard
                let source = Self.lookup(
                    SourceKind.self, kindName, what: "extract source", reader: self)
            else { return nil }
            defaultID = StageKind.extract(source).description
            let section = stageSection(entries, id: explicitID(entries) ?? defaultID, location: location(of: node))
            settings = readExtract(source, section)
        case "transform":
            guard
                let transform = Self.lookup(
                    TransformKind.self, kindName, what: "transform", reader: self)
            else { return nil }
            defaultID = StageKind.transform(transform).description
            let section = stageSection(entries, id: explicitID(entries) ?? defaultID, location: location(of: node))
            settings = readTransform(transform, section)
        case "load":
            guard
                let target = Self.lookup(
                    LoadTarget.self, kindName, what: "load target", reader: self)
            else { return nil }
            defaultID = StageKind.load(target).description
            let section = stageSection(entries, id: explicitID(entries) ?? defaultID, location: location(of: node))
            settings = readLoad(section)
        default:
            guard
                let format = Self.lookup(
                    ReportFormat.self, kindName, what: "report format", reader: self)
            else { return nil }
            defaultID = StageKind.report(format).description
            let section = stageSection(entries, id: explicitID(entries) ?? defaultID, location: location(of: node))
            section.finish(allowed: [kindEntry.key, "id", "output"])
            settings = .report(
                ReportSettings(format: format, outputDirectory: section.optionalString("output") ?? "output"))
        }
        guard let settings else { return nil }
        return StageDefinition(id: explicitID(entries) ?? defaultID, settings: settings, location: location(of: node))
    }

    private static func lookup<Kind: RawRepresentable & CaseIterable>(
        _ type: Kind.Type,
        _ name: ScalarText,
        what: String,
        reader: PipelineNodeReader
    ) -> Kind? where Kind.RawValue == String {
        if let kind = Kind(rawValue: name.value) { return kind }
        let options = Kind.allCases.map(\.rawValue)
        reader.error(
            name.location,
            "unknown \(what) \(name.quoted) (expected one of \(options.joined(separator: ", ")))"
                + Suggestion.hint(for: name.value, in: options)
        )
        return nil
    }

    private func explicitID(_ entries: [MappingEntry]) -> String? {
        guard let entry = entries.first(where: { $0.key == "id" }),
            let scalar = scalarText(of: entry.value, subject: "'id'")
        else {
            return nil
        }
        let allowed = scalar.value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "."
        }
        if scalar.value.isEmpty || !allowed {
            error(scalar.location, "'id' must be lower-case letters, digits, '.', '-' or '_', got \(scalar.quoted)")
            return nil
        }
        return scalar.value
    }

    private func stageSection(_ entries: [MappingEntry], id: String, location: SourceLocation) -> MappingSection {
        MappingSection(reader: self, name: "stage '\(id)'", location: location, entries: entries)
    }

    // MARK: Extract

    private func readExtract(_ source: SourceKind, _ section: MappingSection) -> StageSettings {
        let common = ["extract", "id", "resources", "mode", "base_url", "requests_per_minute"]
        switch source {
        case .cliniko:
            section.finish(allowed: common + ["per_page", "overlap_minutes"])
            let extract: ExtractSettings<ClinikoResource> = readCommonExtract(
                section, source: source,
                requestsPerMinute: ClinikoExtractSettings.defaultRequestsPerMinute
            )
            return .cliniko(
                ClinikoExtractSettings(
                    common: extract,
                    perPage: section.integer("per_page", default: 100, range: 1...100),
                    overlapMinutes: section.integer("overlap_minutes", default: 5, range: 0...1_440)
                )
            )
        case .chatwoot:
            section.finish(allowed: common + ["keep_message_content"])
            let extract: ExtractSettings<ChatwootResource> = readCommonExtract(
                section, source: source,
                requestsPerMinute: ChatwootExtractSettings.defaultRequestsPerMinute
            )
            return .chatwoot(
                ChatwootExtractSettings(
                    common: extract, keepMessageContent: section.boolean("keep_message_content", default: false))
            )
        case .clerk:
            section.finish(allowed: common)
            let extract: ExtractSettings<ClerkResource> = readCommonExtract(
                section, source: source,
                requestsPerMinute: ClerkExtractSettings.defaultRequestsPerMinute
            )
            return .clerk(ClerkExtractSettings(common: extract))
        }
    }

    /// Reads the settings every extract stage has; `resources` names members of `Resource` (every one of them when
    /// left out).
    private func readCommonExtract<Resource: ExtractResource>(
        _ section: MappingSection,
        source: SourceKind,
        requestsPerMinute: Int
    ) -> ExtractSettings<Resource> {
        var resources: [Resource] = []
        if let items = section.list("resources") {
            let known = Resource.allCases.map(\.rawValue)
            for item in items {
                guard let resource = Resource(rawValue: item.value) else {
                    error(
                        item.location,
                        "unknown \(source.rawValue) resource \(item.quoted) (expected one of \(known.joined(separator: ", ")))"
                            + Suggestion.hint(for: item.value, in: known)
                    )
                    continue
                }
                if resources.contains(resource) {
                    error(item.location, "resource \(item.quoted) is listed twice")
                    continue
                }
                resources.append(resource)
            }
            if items.isEmpty, let entry = section.entry("resources") {
                error(location(of: entry.value), "'resources' must list at least one resource (or be left out for all)")
            }
        } else {
            resources = Resource.allCases
        }
        var baseURL: String?
        if let scalar = section.string("base_url"), !scalar.value.isEmpty {
            // A Cliniko base URL may name the key's shard as `{shard}` (one URL for organizations on several shards).
            let text = scalar.value
            let checked = source == .cliniko ? text.replacingOccurrences(of: "{shard}", with: "au1") : text
            if let problem = BaseURLRule.problem(with: checked) {
                // A URL with `user:password@` is not quoted: the file itself holds a credential there.
                let got = problem == .userInfo ? "" : ", got \(scalar.quoted)"
                error(scalar.location, "'base_url' \(problem.requirement)\(got)")
            } else {
                baseURL = text
            }
        }
        return ExtractSettings(
            resources: resources,
            mode: section.choice("mode", default: ExtractMode.incremental),
            baseURL: baseURL,
            requestsPerMinute: section.integer("requests_per_minute", default: requestsPerMinute, range: 1...100_000)
        )
    }

    // MARK: Transform

    private func readTransform(_ transform: TransformKind, _ section: MappingSection) -> StageSettings {
        switch transform {
        case .normalizePhones:
            section.finish(allowed: ["transform", "id", "default_region"])
            var region = NormalizePhonesSettings.Region.organization
            if let scalar = section.string("default_region"), scalar.value != "organization" {
                let text = scalar.value
                if text.count == 2, text.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) {
                    region = .fixed(text)
                } else {
                    error(
                        scalar.location,
                        "'default_region' must be 'organization' or a two-letter region code such as AU, got \(scalar.quoted)"
                    )
                }
            }
            return .normalizePhones(NormalizePhonesSettings(defaultRegion: region))
        case .matchContacts:
            section.finish(allowed: ["transform", "id", "by"])
            var methods: [MatchContactsSettings.Method] = []
            if let items = section.list("by") {
                let options = MatchContactsSettings.Method.allCases.map(\.rawValue)
                for item in items {
                    guard let method = MatchContactsSettings.Method(rawValue: item.value) else {
                        error(
                            item.location,
                            "unknown match method \(item.quoted) (expected one of \(options.joined(separator: ", ")))"
                                + Suggestion.hint(for: item.value, in: options)
                        )
                        continue
                    }
                    if methods.contains(method) {
                        error(item.location, "match method \(item.quoted) is listed twice")
                        continue
                    }
                    methods.append(method)
                }
                if items.isEmpty, let entry = section.entry("by") {
                    error(location(of: entry.value), "'by' must list at least one method")
                }
            } else {
                methods = MatchContactsSettings.Method.allCases
            }
            return .matchContacts(MatchContactsSettings(methods: methods))
        case .scoreActivity:
            section.finish(allowed: [
                "transform", "id", "recent_days", "dormant_after_days", "medium_risk_after_days",
                "high_risk_after_days",
                "new_patient_days", "late_cancellation_hours", "attendance_window_days", "average_fee", "model",
            ])
            let settings = ScoreActivitySettings(
                recentDays: section.integer("recent_days", default: 30, range: 1...3_650),
                dormantAfterDays: section.integer("dormant_after_days", default: 30, range: 1...3_650),
                mediumRiskAfterDays: section.integer("medium_risk_after_days", default: 30, range: 1...3_650),
                highRiskAfterDays: section.integer("high_risk_after_days", default: 90, range: 1...3_650),
                newPatientDays: section.integer("new_patient_days", default: 30, range: 1...3_650),
                lateCancellationHours: section.integer("late_cancellation_hours", default: 24, range: 0...720),
                attendanceWindowDays: section.integer("attendance_window_days", default: 90, range: 1...3_650),
                averageFee: section.number("average_fee", default: 0, range: 0...1_000_000),
                model: section.choice("model", default: ScoreActivitySettings.Model.bgnbd)
            )
            if settings.mediumRiskAfterDays > settings.highRiskAfterDays,
                let entry = section.entry("medium_risk_after_days")
            {
                error(
                    location(of: entry.value),
                    "'medium_risk_after_days' (\(settings.mediumRiskAfterDays)) must not exceed 'high_risk_after_days' (\(settings.highRiskAfterDays))"
                )
            }
            return .scoreActivity(settings)
        case .aggregateAppointments:
            section.finish(allowed: ["transform", "id", "weeks_back", "weeks_ahead"])
            return .aggregateAppointments(
                AggregateAppointmentsSettings(
                    weeksBack: section.integer("weeks_back", default: 26, range: 1...520),
                    weeksAhead: section.integer("weeks_ahead", default: 4, range: 0...52)
                )
            )
        }
    }

    // MARK: Load

    private func readLoad(_ section: MappingSection) -> StageSettings {
        section.finish(allowed: ["load", "id", "database", "max_rejects"])
        var settings = LoadSettings()
        if let entry = section.entry("database") {
            // Never read: the key's value (which may hold a password) is neither expanded nor quoted.
            error(
                entry.keyLocation,
                "'database' is no longer read: the database comes only from DATABASE_URL in the environment, else the embedded cluster; remove it (set DATABASE_URL in the environment)"
            )
        }
        if let scalar = section.string("max_rejects") {
            let text = scalar.value
            if text.hasSuffix("%"), let percent = Double(text.dropLast()), (0...100).contains(percent) {
                settings.maxRejects = .percent(percent)
            } else if let count = Int(text), count >= 0 {
                settings.maxRejects = .count(count)
            } else {
                error(
                    scalar.location,
                    "'max_rejects' must be a count such as 100 or a percentage such as 5%, got \(scalar.quoted)")
            }
        }
        return .load(settings)
    }
}
