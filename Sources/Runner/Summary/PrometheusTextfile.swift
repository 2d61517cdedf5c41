package import Foundation
package import Load

/// The `--metrics-prom` file: a run's outcome and every organization's standing with the pipeline, in Prometheus's
/// text exposition format (version 0.0.4) for node_exporter's textfile collector.
///
/// Run-level gauges (`routiq_run_last_*`, labelled `pipeline`) describe this process's run. Organization gauges
/// (`routiq_organization_*`, labelled `pipeline` and `organization`) come from the database's run records, so they
/// cover every organization that ever ran the pipeline, not only this run's (with `--due`, most organizations are not
/// due on a given call). When the records could not be read, `routiq_run_history_loaded` is 0 and the organization
/// gauges are left out rather than guessed.
///
/// The text follows the format's rules: one `# HELP` and one `# TYPE` line before each family's samples, each family
/// once and contiguous, no family without samples, label values escaped (`\\`, `\"`, `\n`), no timestamps on samples
/// (the textfile collector rejects them) and a final line feed.
package struct PrometheusTextfile: Sendable, Hashable {
    /// A metric family's type.
    package enum Kind: String, Sendable, Hashable {
        case gauge
    }

    /// One label of a sample.
    package struct Label: Sendable, Hashable {
        /// The label's name.
        package var name: String
        /// Its value, unescaped.
        package var value: String
    }

    /// One sample: a family's value for one set of labels.
    package struct Sample: Sendable, Hashable {
        /// The labels, in the order they are written.
        package var labels: [Label]
        /// The value.
        package var value: Double
    }

    /// A metric family: its name, help text, type and samples.
    package struct Family: Sendable, Hashable {
        /// The metric's name.
        package var name: String
        /// What it measures (one line).
        package var help: String
        /// Its type.
        package var kind: Kind
        /// Its samples.
        package var samples: [Sample]
    }

    /// The families, in the order they are written (those without samples are left out).
    package let families: [Family]

    /// Builds the file's families from a run and the organizations' standings.
    ///
    /// - Parameters:
    ///   - pipeline: The pipeline's name (the `pipeline` label).
    ///   - outcomes: Each organization's outcome in this run.
    ///   - standings: Every organization's standing with the pipeline, read from the database after the run; `nil`
    ///     when it could not be read.
    ///   - seconds: How long the run took.
    ///   - finishedAt: When the run ended.
    package init(
        pipeline: String, outcomes: [OrganizationOutcome], standings: [RunHistory.Standing]?, seconds: Double,
        finishedAt: Date
    ) {
        let run = [Label(name: "pipeline", value: pipeline)]
        var families = [
            Family(
                name: "routiq_run_last_exit_status",
                help: "Exit status of the pipeline's last run here: 0 every organization succeeded or was another "
                    + "worker's, 1 some organization failed, was stopped or was held by another run.",
                kind: .gauge,
                samples: [Sample(labels: run, value: outcomes.contains(where: \.status.isFailure) ? 1 : 0)]),
            Family(
                name: "routiq_run_last_finish_timestamp_seconds",
                help: "When the pipeline's last run here ended, in seconds since the Unix epoch.",
                kind: .gauge,
                samples: [Sample(labels: run, value: finishedAt.timeIntervalSince1970)]),
            Family(
                name: "routiq_run_last_duration_seconds",
                help: "How long the pipeline's last run here took, in seconds.",
                kind: .gauge,
                samples: [Sample(labels: run, value: seconds)]),
            Family(
                name: "routiq_run_last_organizations",
                help: "Organizations of the pipeline's last run here, by how their part ended.",
                kind: .gauge,
                samples: OrganizationOutcome.Status.allCases.map { status in
                    Sample(
                        labels: run + [Label(name: "status", value: status.rawValue)],
                        value: Double(outcomes.count(where: { $0.status == status })))
                }),
            Family(
                name: "routiq_run_last_records_quarantined",
                help: "Records quarantined by the pipeline's last run here, over every organization.",
                kind: .gauge,
                samples: [Sample(labels: run, value: Double(outcomes.reduce(0) { $0 + $1.totals.quarantined }))]),
            Family(
                name: "routiq_run_history_loaded",
                help: "1 when the routiq_organization_* figures were read from the database after the run, 0 when "
                    + "it could not be read (they are then left out).",
                kind: .gauge,
                samples: [Sample(labels: run, value: standings == nil ? 0 : 1)]),
        ]
        families += Self.organizationFamilies(pipeline: pipeline, standings: standings ?? [])
        self.families = families.filter { !$0.samples.isEmpty }
    }

    /// The organization gauges, from the database's run records.
    private static func organizationFamilies(pipeline: String, standings: [RunHistory.Standing]) -> [Family] {
        func labels(_ standing: RunHistory.Standing) -> [Label] {
            [Label(name: "pipeline", value: pipeline), Label(name: "organization", value: standing.organizationID)]
        }
        func family(
            _ name: String, _ help: String, _ value: (RunHistory.Standing) -> Double?
        ) -> Family {
            Family(
                name: name, help: help, kind: .gauge,
                samples: standings.compactMap { standing in
                    value(standing).map { Sample(labels: labels(standing), value: $0) }
                })
        }
        return [
            family(
                "routiq_organization_last_success_timestamp_seconds",
                "When the organization's last successful run of the pipeline ended, in seconds since the Unix epoch "
                    + "(absent when it never succeeded)."
            ) { $0.lastSuccess?.finishedAt.timeIntervalSince1970 },
            family(
                "routiq_organization_last_success_duration_seconds",
                "How long the organization's last successful run of the pipeline took, in seconds."
            ) { $0.lastSuccess?.seconds },
            family(
                "routiq_organization_last_success_records_read",
                "Records the organization's last successful run read from its sources."
            ) { $0.lastSuccess.map { Double($0.recordsRead) } },
            family(
                "routiq_organization_last_success_records_inserted",
                "Rows the organization's last successful run inserted."
            ) { $0.lastSuccess.map { Double($0.recordsInserted) } },
            family(
                "routiq_organization_last_success_records_updated",
                "Rows the organization's last successful run updated."
            ) { $0.lastSuccess.map { Double($0.recordsUpdated) } },
            family(
                "routiq_organization_last_success_records_quarantined",
                "Records the organization's last successful run quarantined."
            ) { $0.lastSuccess.map { Double($0.recordsQuarantined) } },
            family(
                "routiq_organization_last_run_timestamp_seconds",
                "When the organization's last finished run of the pipeline ended, whatever its status, in seconds "
                    + "since the Unix epoch."
            ) { $0.lastRun.finishedAt.timeIntervalSince1970 },
            family(
                "routiq_organization_last_run_duration_seconds",
                "How long the organization's last finished run of the pipeline took, in seconds."
            ) { $0.lastRun.seconds },
            family(
                "routiq_organization_last_run_success",
                "1 when the organization's last finished run of the pipeline succeeded, 0 when it failed or was "
                    + "cancelled."
            ) { $0.lastRunSucceeded ? 1 : 0 },
            family(
                "routiq_organization_consecutive_failures",
                "Runs of the pipeline that failed or were cancelled for the organization since its last success "
                    + "(all of them when it never succeeded)."
            ) { Double($0.failuresSinceSuccess) },
        ]
    }

    /// The file's text.
    package var text: String {
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples {
                text += family.name
                if !sample.labels.isEmpty {
                    let labels = sample.labels.map { "\($0.name)=\"\(Self.escapeLabelValue($0.value))\"" }
                    text += "{" + labels.joined(separator: ",") + "}"
                }
                text += " \(Self.format(sample.value))\n"
            }
        }
        return text
    }

    /// A label value as the format writes it: backslash, double quote and line feed escaped.
    package static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A help text as the format writes it: backslash and line feed escaped.
    package static func escapeHelp(_ help: String) -> String {
        var escaped = ""
        for character in help {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A value as the format writes it: whole numbers without a fraction (`1772323200`, not `1.7723232e+09`),
    /// others in Swift's shortest round-tripping form (which Go's `ParseFloat` reads), `NaN`, `+Inf` and `-Inf`.
    package static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 9.0e15 { return String(Int64(value)) }
        return String(value)
    }
}
