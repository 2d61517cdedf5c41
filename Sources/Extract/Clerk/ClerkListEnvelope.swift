/// The two list shapes of Clerk's Backend API (fact sheet §C.2, §C.4 and gotchas): `/users` answers a bare JSON
/// array, organizations and memberships answer `{"data": […], "total_count": N}`. Both are accepted everywhere.
enum ClerkListEnvelope {
    /// The scanner over `body`, the record elements and the total count when the envelope has one.
    ///
    /// - Throws: ``JSONScanner/MalformedJSON`` or ``FieldError`` when the body is neither shape.
    static func parse(_ body: [UInt8]) throws -> (scanner: JSONScanner, elements: [Range<Int>], total: Int?) {
        let scanner = JSONScanner(bytes: body)
        let root = try scanner.rootValue()
        if let elements = try scanner.elements(of: root) { return (scanner, elements, nil) }
        guard let data = try scanner.member("data", of: root), let elements = try scanner.elements(of: data) else {
            throw FieldError(reason: "response is neither an array nor a `data` envelope")
        }
        let total = try scanner.member("total_count", of: root).flatMap(scanner.scalarText).flatMap { Int($0) }
        return (scanner, elements, total)
    }
}
