/// Formats rows as a plain-text table with a header, columns padded to their widest cell.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: [String]) {
        self.headers = headers
    }

    mutating func append(_ row: [String]) {
        rows.append(row)
    }

    var rendered: String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated()
                .map { index, cell in
                    index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
                }
                .joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}
