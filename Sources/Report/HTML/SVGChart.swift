import Foundation

/// Inline SVG charts. Each returns a complete `<figure>`: the chart (with a `<title>` and `<desc>` for screen
/// readers), a caption holding the text alternative, and the data as a table beneath it.
enum SVGChart {
    /// One bar, slice or stack segment.
    struct Segment {
        var label: String
        var value: Int
        var colorClass: String
    }

    /// A donut of `segments`, labelled in the table beneath it.
    static func donut(id: String, title: String, segments: [Segment]) -> String {
        let total = segments.reduce(0) { $0 + $1.value }
        let radius = 60.0
        let circumference = 2 * Double.pi * radius
        var svg = openSVG(
            id: id, title: title, description: alternative(segments, total: total), width: 200, height: 200)
        svg += "<circle class=\"track\" cx=\"100\" cy=\"100\" r=\"60\" fill=\"none\" stroke-width=\"28\"/>"
        var offset = 0.0
        for segment in segments where segment.value > 0 && total > 0 {
            let length = circumference * Double(segment.value) / Double(total)
            svg += "<circle class=\"\(segment.colorClass)\" cx=\"100\" cy=\"100\" r=\"60\" fill=\"none\" "
            svg += "stroke-width=\"28\" transform=\"rotate(-90 100 100)\" "
            svg += "stroke-dasharray=\"\(HTMLText.number(length)) \(HTMLText.number(circumference - length))\" "
            svg += "stroke-dashoffset=\"\(HTMLText.number(-offset))\"><title>"
            svg += HTMLText.escape("\(segment.label): \(segment.value)") + "</title></circle>"
            offset += length
        }
        svg += "<text x=\"100\" y=\"96\" text-anchor=\"middle\" class=\"big\">\(total)</text>"
        svg += "<text x=\"100\" y=\"116\" text-anchor=\"middle\" class=\"small\">patients</text></svg>"
        return figure(
            id: id, title: title, svg: svg, caption: alternative(segments, total: total, html: true),
            table: table(
                header: ["Category", "Count", "Share"],
                rows: segments.map { segment in
                    [
                        legend(segment), String(segment.value),
                        HTMLText.percent(total == 0 ? nil : Double(segment.value) / Double(total)),
                    ]
                }, numeric: [1, 2]))
    }

    /// Horizontal bars, one per segment, longest scaled to the full width.
    static func bars(id: String, title: String, segments: [Segment], unit: String) -> String {
        let maximum = max(1, segments.map(\.value).max() ?? 1)
        let rowHeight = 26
        let labelWidth = 180.0
        let barWidth = 440.0
        let height = max(1, segments.count) * rowHeight + 8
        let heading = unit.prefix(1).uppercased() + unit.dropFirst()
        let description = segments.isEmpty ? "No data." : "\(heading): \(listing(segments, html: false))."
        var svg = openSVG(id: id, title: title, description: description, width: 680, height: height)
        for (index, segment) in segments.enumerated() {
            let y = Double(index * rowHeight + 4)
            let width = barWidth * Double(segment.value) / Double(maximum)
            svg += "<text x=\"\(HTMLText.number(labelWidth - 8))\" y=\"\(HTMLText.number(y + 16))\" "
            svg += "text-anchor=\"end\" class=\"small\">\(HTMLText.escape(truncated(segment.label)))</text>"
            svg += "<rect class=\"\(segment.colorClass)\" x=\"\(HTMLText.number(labelWidth))\" "
            svg += "y=\"\(HTMLText.number(y))\" width=\"\(HTMLText.number(width))\" height=\"20\"><title>"
            svg += HTMLText.escape("\(segment.label): \(segment.value)") + "</title></rect>"
            svg += "<text x=\"\(HTMLText.number(labelWidth + width + 6))\" y=\"\(HTMLText.number(y + 15))\" "
            svg += "class=\"small\">\(segment.value)</text>"
        }
        svg += "</svg>"
        return figure(
            id: id, title: title, svg: segments.isEmpty ? "" : svg,
            caption: segments.isEmpty ? "No data." : "\(HTMLText.escape(heading)): \(listing(segments, html: true)).",
            table: table(
                header: ["Category", heading], rows: segments.map { [legend($0), String($0.value)] }, numeric: [1],
                compact: true))
    }

    /// One stacked column per week: attended, cancelled and did not arrive for past weeks, booked for coming ones.
    static func weekly(id: String, title: String, weeks: [WeeklyPoint]) -> String {
        let stacks: [(String, [Segment])] = weeks.map { week in
            (
                week.weekStart,
                [
                    Segment(label: "Attended", value: week.attended, colorClass: "c-attended"),
                    Segment(label: "Cancelled", value: week.cancelled, colorClass: "c-cancelled"),
                    Segment(label: "Did not arrive", value: week.didNotArrive, colorClass: "c-dna"),
                    Segment(label: "Booked", value: week.booked, colorClass: "c-booked"),
                ]
            )
        }
        let maximum = max(1, stacks.map { $0.1.reduce(0) { $0 + $1.value } }.max() ?? 1)
        let plotHeight = 180.0
        let step = weeks.isEmpty ? 20.0 : min(40.0, 640.0 / Double(weeks.count))
        let width = Int(40 + step * Double(max(1, weeks.count))) + 10
        let busiest = stacks.max { $0.1.reduce(0) { $0 + $1.value } < $1.1.reduce(0) { $0 + $1.value } }
        let description =
            weeks.isEmpty
            ? "No weekly data."
            : "\(weeks.count) weeks from \(weeks.first!.weekStart) to \(weeks.last!.weekStart); "
                + "attended \(weeks.reduce(0) { $0 + $1.attended }), cancelled \(weeks.reduce(0) { $0 + $1.cancelled }), "
                + "did not arrive \(weeks.reduce(0) { $0 + $1.didNotArrive }), booked ahead "
                + "\(weeks.reduce(0) { $0 + $1.booked }); busiest week \(busiest?.0 ?? "–")."
        var svg = openSVG(id: id, title: title, description: description, width: width, height: 230)
        svg += "<line class=\"axis\" x1=\"36\" y1=\"190\" x2=\"\(width - 4)\" y2=\"190\"/>"
        svg += "<text x=\"32\" y=\"18\" text-anchor=\"end\" class=\"small\">\(maximum)</text>"
        svg += "<text x=\"32\" y=\"190\" text-anchor=\"end\" class=\"small\">0</text>"
        for (index, stack) in stacks.enumerated() {
            let x = 40 + step * Double(index)
            var top = 190.0
            for segment in stack.1 where segment.value > 0 {
                let height = plotHeight * Double(segment.value) / Double(maximum)
                top -= height
                svg += "<rect class=\"\(segment.colorClass)\" x=\"\(HTMLText.number(x))\" "
                svg += "y=\"\(HTMLText.number(top))\" width=\"\(HTMLText.number(step * 0.75))\" "
                svg += "height=\"\(HTMLText.number(height))\"><title>"
                svg += HTMLText.escape("\(stack.0) \(segment.label): \(segment.value)") + "</title></rect>"
            }
            if index % 4 == 0 {
                svg += "<text x=\"\(HTMLText.number(x))\" y=\"206\" class=\"tiny\">"
                svg += HTMLText.escape(String(stack.0.dropFirst(5))) + "</text>"
            }
        }
        svg += "</svg>"
        let legendRow =
            "<p class=\"legend\">" + (stacks.first?.1.map { legend($0) }.joined(separator: " ") ?? "") + "</p>"
        return figure(
            id: id, title: title, svg: weeks.isEmpty ? "" : svg + legendRow, caption: HTMLText.escape(description),
            table: table(
                header: ["Week of", "ISO week", "Attended", "Cancelled", "Did not arrive", "Booked"],
                rows: weeks.map {
                    [
                        HTMLText.escape($0.weekStart), "\($0.isoYear)-W" + String(format: "%02d", $0.isoWeek),
                        String($0.attended), String($0.cancelled), String($0.didNotArrive), String($0.booked),
                    ]
                }, numeric: [2, 3, 4, 5]))
    }

    /// A data table; cells are already escaped HTML.
    ///
    /// The table sits in a container that scrolls sideways when the screen is narrower than the table, so a phone
    /// scrolls the table rather than the page.
    ///
    /// - Parameters:
    ///   - header: The column headings, plain text.
    ///   - rows: The cells, escaped HTML.
    ///   - numeric: The indexes of columns holding figures: aligned to the end, with digits of equal width.
    ///   - compact: Whether the table takes only the width it needs (a list of figures with their values) instead
    ///     of the full width.
    static func table(header: [String], rows: [[String]], numeric: Set<Int> = [], compact: Bool = false) -> String {
        var html =
            compact ? "<div class=\"table-scroll\"><table class=\"compact\">" : "<div class=\"table-scroll\"><table>"
        html += "<thead><tr>"
        html += header.enumerated().map { index, title in
            "<th scope=\"col\"\(numeric.contains(index) ? " class=\"num\"" : "")>\(HTMLText.escape(title))</th>"
        }.joined()
        html += "</tr></thead><tbody>"
        if rows.isEmpty {
            html += "<tr><td colspan=\"\(header.count)\">No data.</td></tr>"
        }
        for row in rows {
            html += "<tr>"
            html += row.enumerated().map { index, cell in
                numeric.contains(index) ? "<td class=\"num\">\(cell)</td>" : "<td>\(cell)</td>"
            }.joined()
            html += "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    private static func legend(_ segment: Segment) -> String {
        "<span class=\"swatch \(segment.colorClass)\" aria-hidden=\"true\"></span>" + HTMLText.isolated(segment.label)
    }

    /// The text alternative of a donut: plain text for `<desc>`, or escaped HTML for the caption.
    private static func alternative(_ segments: [Segment], total: Int, html: Bool = false) -> String {
        guard total > 0 else { return "No data." }
        return "\(total) in all: \(listing(segments, html: html))."
    }

    /// `Label 12, Label 3`: plain text, or escaped HTML with each label in `<bdi>`, so a right-to-left label does
    /// not swap places with the numbers around it.
    private static func listing(_ segments: [Segment], html: Bool) -> String {
        segments.map { segment in
            html ? "\(HTMLText.isolated(segment.label)) \(segment.value)" : "\(segment.label) \(segment.value)"
        }.joined(separator: ", ")
    }

    private static func truncated(_ label: String) -> String {
        label.count > 26 ? String(label.prefix(25)) + "…" : label
    }

    static func openSVG(id: String, title: String, description: String, width: Int, height: Int) -> String {
        "<svg role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" viewBox=\"0 0 \(width) \(height)\" "
            + "width=\"\(width)\" height=\"\(height)\" preserveAspectRatio=\"xMinYMin meet\">"
            + "<title id=\"\(id)-title\">\(HTMLText.escape(title))</title>"
            + "<desc id=\"\(id)-desc\">\(HTMLText.escape(description))</desc>"
    }

    /// A `<figure>`: heading, chart, caption (escaped HTML) and table.
    static func figure(id: String, title: String, svg: String, caption: String, table: String) -> String {
        "<figure id=\"\(id)\"><h3>\(HTMLText.escape(title))</h3>"
            + (svg.isEmpty ? "" : "<div class=\"chart\">\(svg)</div>")
            + "<figcaption>\(caption)</figcaption>\(table)</figure>"
    }
}
