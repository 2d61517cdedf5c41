import Foundation

extension SVGChart {
    /// A 5 × 5 heat map of patients by recency quintile (rows, most recent at the top) and frequency quintile
    /// (columns, most visits on the right), darker for more patients; the caption names the fullest cells and the
    /// table beneath gives every count.
    static func heatMap(id: String, title: String, cells: [RecencyFrequencyCell]) -> String {
        let count = { (recency: Int, frequency: Int) -> Int in
            cells.first { $0.recency == recency && $0.frequency == frequency }?.patients ?? 0
        }
        let total = cells.reduce(0) { $0 + $1.patients }
        let maximum = max(1, cells.map(\.patients).max() ?? 1)
        let fullest = cells.filter { $0.patients > 0 }.sorted {
            ($0.patients, $0.recency, $0.frequency) > ($1.patients, $1.recency, $1.frequency)
        }.prefix(3)
        let description =
            total == 0
            ? "No data."
            : "\(total) patients. Fullest cells: "
                + fullest.map { "recency \($0.recency), frequency \($0.frequency): \($0.patients)" }
                .joined(separator: "; ") + "."
        let cell = 56
        let left = 110
        let top = 28
        var svg = openSVG(
            id: id, title: title, description: description, width: left + 5 * cell + 10, height: top + 5 * cell + 40)
        for frequency in 1...5 {
            let x = left + (frequency - 1) * cell + cell / 2
            svg += "<text x=\"\(x)\" y=\"\(top - 8)\" text-anchor=\"middle\" class=\"small\">F\(frequency)</text>"
        }
        for (row, recency) in (1...5).reversed().enumerated() {
            let y = top + row * cell
            svg += "<text x=\"\(left - 8)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"end\" class=\"small\">"
            svg += "R\(recency)\(recency == 5 ? " (recent)" : recency == 1 ? " (long ago)" : "")</text>"
            for frequency in 1...5 {
                let value = count(recency, frequency)
                let x = left + (frequency - 1) * cell
                let opacity = value == 0 ? 0.04 : 0.15 + 0.85 * Double(value) / Double(maximum)
                svg += "<rect class=\"c-attended\" x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cell - 2)\" "
                svg += "height=\"\(cell - 2)\" fill-opacity=\"\(HTMLText.number(opacity))\"><title>"
                svg += HTMLText.escape("Recency \(recency), frequency \(frequency): \(value) patients")
                svg += "</title></rect>"
                svg += "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"middle\" class=\"small\">"
                svg += "\(value)</text>"
            }
        }
        svg += "<text x=\"\(left + 5 * cell / 2)\" y=\"\(top + 5 * cell + 24)\" text-anchor=\"middle\" "
        svg += "class=\"small\">frequency quintile (F5 = most visits)</text></svg>"
        return figure(
            id: id, title: title, svg: total == 0 ? "" : svg, caption: HTMLText.escape(description),
            table: table(
                header: ["Recency \\ frequency", "F1", "F2", "F3", "F4", "F5"],
                rows: (1...5).reversed().map { recency in
                    ["R\(recency)"] + (1...5).map { String(count(recency, $0)) }
                }, numeric: [1, 2, 3, 4, 5], compact: true))
    }
}
