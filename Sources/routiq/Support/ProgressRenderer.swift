import Runner

/// Turns a run's progress into the lines of the terminal display: a header line for the run, then one line per
/// organization with its status, elapsed time, records read, read rate, stage and resource and, where the source
/// said how many records a resource has, the share read and the time left for that resource.
///
/// Pure: the same snapshot, instant and size always give the same lines. Lines hold organization ids, stage and
/// resource names and counts only, and no line is wider than ``width``.
struct ProgressRenderer: Sendable {
    /// The terminal's width in columns; longer lines are cut.
    var width: Int
    /// The most lines to draw, the header included; organizations beyond it are summed up in one last line.
    var maximumLines: Int

    /// The display's lines at `now`.
    func lines(for snapshot: RunProgress.Snapshot, at now: ContinuousClock.Instant) -> [String] {
        var lines = [header(snapshot, at: now)]
        let organizations = snapshot.organizations
        let capacity = maximumLines - 1
        let shown: [RunProgress.Organization]
        if organizations.count <= capacity {
            shown = organizations
        } else {
            shown = Self.mostInteresting(organizations, count: max(capacity - 1, 0))
        }
        lines += Self.table(shown.map { row($0, at: now) })
        let hidden = organizations.count - shown.count
        if hidden > 0, capacity > 0 {
            let ids = Set(shown.map(\.id))
            let rest = organizations.filter { !ids.contains($0.id) }
            let counts = RunProgress.Status.allCases.compactMap { status -> String? in
                let count = rest.count(where: { $0.status == status })
                return count > 0 ? "\(count) \(status.rawValue)" : nil
            }
            lines.append("  + \(hidden) more: \(counts.joined(separator: ", "))")
        }
        return lines.map(cut)
    }

    // MARK: Lines

    private func header(_ snapshot: RunProgress.Snapshot, at now: ContinuousClock.Instant) -> String {
        let organizations = snapshot.organizations
        var parts: [String] = []
        if organizations.isEmpty {
            parts.append("starting")
        } else {
            let finished = organizations.count(where: \.status.isFinished)
            parts.append("\(finished)/\(organizations.count) organizations finished")
            parts.append("\(Self.grouped(organizations.reduce(0) { $0 + $1.records })) records")
        }
        parts.append(Self.clock(now - snapshot.startedAt))
        if let stage = snapshot.stage { parts.append("stage \(Self.safe(stage))") }
        return "\(Self.safe(snapshot.title)): " + parts.joined(separator: ", ")
    }

    /// The columns of one organization's line: id, status, elapsed, records, rate, activity, time left. The figures
    /// come first, so that a narrow terminal cuts the stage and resource names rather than them.
    private func row(_ organization: RunProgress.Organization, at now: ContinuousClock.Instant) -> [String] {
        var columns = ["  " + Self.safe(organization.id), organization.status.rawValue]
        guard let started = organization.startedAt else { return columns }
        var activity = ""
        var rate: Double?
        var left: Duration?
        if organization.status == .running {
            activity = organization.stage.map(Self.safe) ?? "starting"
            if let resource = organization.resource {
                activity += "/" + Self.safe(resource)
                rate = Self.rate(of: organization)
                if let expected = organization.resourceExpected, expected > 0 {
                    activity += " \(min(100, organization.resourceRecords * 100 / expected))%"
                    let remaining = expected - organization.resourceRecords
                    if let rate, rate > 0, remaining > 0 { left = .seconds((Double(remaining) / rate).rounded(.up)) }
                }
            }
        } else if organization.status == .succeeded, let finished = organization.finishedAt {
            let seconds = (finished - started).seconds
            if organization.records > 0, seconds > 0 { rate = Double(organization.records) / seconds }
        }
        columns.append(Self.clock((organization.finishedAt ?? now) - started))
        columns.append("\(Self.grouped(organization.records)) records")
        columns.append(rate.map { "\(Self.grouped(Int($0.rounded())))/s" } ?? "")
        columns.append(activity)
        columns.append(left.map { "ETA " + Self.clock($0) } ?? "")
        return columns
    }

    /// The current resource's read rate in records per second, up to its last page.
    private static func rate(of organization: RunProgress.Organization) -> Double? {
        guard let start = organization.resourceStartedAt, let last = organization.resourceUpdatedAt,
            organization.resourceRecords > 0
        else { return nil }
        let seconds = (last - start).seconds
        return seconds > 0 ? Double(organization.resourceRecords) / seconds : nil
    }

    /// Pads each column to its widest cell, so that the organizations' lines line up.
    private static func table(_ rows: [[String]]) -> [String] {
        let count = rows.map(\.count).max() ?? 0
        let widths = (0..<count).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let cells = row.enumerated().map { column, cell in
                // Numbers right-aligned, words left-aligned.
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return (2...4).contains(column) ? padding + cell : cell + padding
            }
            var line = cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The running organizations first, then the most recently finished, then the waiting, in run order.
    private static func mostInteresting(_ organizations: [RunProgress.Organization], count: Int)
        -> [RunProgress.Organization]
    {
        let running = organizations.filter { $0.status == .running }
        let finished = organizations.filter(\.status.isFinished).sorted { first, second in
            guard let firstEnd = first.finishedAt, let secondEnd = second.finishedAt else {
                return first.finishedAt != nil
            }
            return firstEnd > secondEnd
        }
        let waiting = organizations.filter { $0.status == .waiting }
        let chosen = Set((running + finished + waiting).prefix(count).map(\.id))
        return organizations.filter { chosen.contains($0.id) }
    }

    private func cut(_ line: String) -> String {
        let width = max(width, 1)
        return line.count > width ? String(line.prefix(width)) : line
    }

    // MARK: Formatting

    /// `text` with control characters (escape sequences included) replaced, so a name cannot drive the terminal.
    static func safe(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }
            )
        )
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return number < 0 ? "-" + result : result
    }

    /// A duration as `m:ss`, or `h:mm:ss` from an hour on.
    static func clock(_ duration: Duration) -> String {
        let total = max(Int(duration.seconds.rounded(.down)), 0)
        let (hours, minutes, seconds) = (total / 3_600, total / 60 % 60, total % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(seconds))" : "\(minutes):\(twoDigits(seconds))"
    }
}
