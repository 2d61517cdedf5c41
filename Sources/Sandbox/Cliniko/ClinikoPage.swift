/// One resolved page of a Cliniko list: filters, visibility, sort, `page`/`per_page`.
struct ClinikoPage {
    /// Every matching row, in the requested order. With a keyset bound (`id:>N` sorted by id) the rows before
    /// ``offset`` are those the bound leaves out.
    let order: [Int32]
    /// Where the rows matching a keyset bound begin in ``order`` (0 without one).
    let offset: Int
    let number: Int
    let perPage: Int
    /// Index of the page's first row in ``order``.
    let start: Int
    /// How many rows match (`total_entries`).
    var total: Int { order.count - offset }
    /// The rows on this page.
    var rows: [Int] { start < order.count ? order[start..<min(start + perPage, order.count)].map(Int.init) : [] }
    var hasNext: Bool { start + perPage < order.count }

    /// Resolves the page.
    ///
    /// - Throws: ``ClinikoFilter/Invalid`` for a bad filter, sort, `page` or `per_page` (served as a 400).
    init(resource: ClinikoResource, query: QueryParameters, clinic: Clinic) throws(ClinikoFilter.Invalid) {
        let pageText = query["page"] ?? "1"
        guard let number = Int(pageText), number >= 1 else {
            throw ClinikoFilter.Invalid(message: "Invalid page '\(pageText)'")
        }
        let perPageText = query["per_page"] ?? "50"
        guard let requested = Int(perPageText), requested >= 1 else {
            throw ClinikoFilter.Invalid(message: "Invalid per_page '\(perPageText)'")
        }
        self.number = number
        perPage = min(requested, 100)
        let filterTexts = query.all("q[]") + query.all("q")
        var filters: [ClinikoFilter] = []
        for text in filterTexts { filters.append(try ClinikoFilter(text, resource: resource)) }
        let descendingByDefault = query["order"]?.lowercased() == "desc"
        var sortKeys: [(field: String, descending: Bool)] = []
        if let sort = query["sort"], !sort.isEmpty {
            for part in sort.split(separator: ",") {
                let pieces = part.split(separator: ":")
                let field = String(pieces[0])
                guard resource.isSortable(field), pieces.count <= 2,
                    pieces.count == 1 || ["asc", "desc"].contains(pieces[1].lowercased())
                else { throw ClinikoFilter.Invalid(message: "Invalid sort '\(part)'") }
                sortKeys.append((field, pieces.count == 2 ? pieces[1].lowercased() == "desc" : descendingByDefault))
            }
        } else if descendingByDefault {
            sortKeys = [("created_at", true)]
        }
        // A keyset walk (`sort=id` plus `id:>N`) asks for a new bound on every page; answering it from the order
        // cached without the bound (a binary search, ids ascending) keeps each page cheap instead of re-filtering and
        // re-sorting the whole resource.
        var bounds: [ClinikoFilter] = []
        var cachedTexts = filterTexts
        if sortKeys.count == 1, sortKeys[0].field == "id", !sortKeys[0].descending {
            let isBound = { (filter: ClinikoFilter) in
                filter.field == "id" && [.greater, .greaterOrEqual].contains(filter.op)
            }
            bounds = filters.filter(isBound)
            cachedTexts = zip(filterTexts, filters).filter { !isBound($0.1) }.map(\.0)
            filters.removeAll(where: isBound)
        }
        let key =
            "\(resource.rawValue)|\(cachedTexts.joined(separator: "\u{1}"))|\(sortKeys.map { "\($0.field):\($0.descending)" })"
        let data = clinic.data
        order = clinic.order(for: key) {
            var rows = resource.rows(in: data)
            let filtered = Set(filters.map(\.field))
            for hidden in resource.hiddenUnlessFiltered where !filtered.contains(hidden) {
                rows.removeAll { !resource.value(hidden, row: Int($0), in: data).isNull }
            }
            for filter in filters {
                rows.removeAll { !filter.matches(resource.value(filter.field, row: Int($0), in: data)) }
            }
            if !sortKeys.isEmpty {
                // Precompute the sort columns once; comparing enums is much cheaper than re-reading rows.
                let columns = sortKeys.map { key in rows.map { resource.value(key.field, row: Int($0), in: data) } }
                let positions = (0..<rows.count).sorted { lhs, rhs in
                    for (column, key) in zip(columns, sortKeys) {
                        let c = FieldValue.compare(column[lhs], column[rhs])
                        if c != 0 { return key.descending ? c > 0 : c < 0 }
                    }
                    return lhs < rhs
                }
                rows = positions.map { rows[$0] }
            }
            return rows
        }
        var low = 0
        if !bounds.isEmpty {
            var high = order.count
            while low < high {
                let middle = (low + high) / 2
                let value = resource.value("id", row: Int(order[middle]), in: data)
                if bounds.allSatisfy({ $0.matches(value) }) { high = middle } else { low = middle + 1 }
            }
        }
        offset = low
        start = low + (number - 1) * perPage
    }

    /// A pagination link echoing the request's query (every `q[]`, `sort`, …) with `page` and `per_page`.
    func link(_ path: String, query: QueryParameters, page: Int) -> String {
        var parts = query.rawQuery(excluding: ["page", "per_page"]).map(String.init)
        parts.append("page=\(page)")
        parts.append("per_page=\(perPage)")
        return "\(path)?\(parts.joined(separator: "&"))"
    }
}
