import Testing

@testable import Extract

@Suite struct JSONScannerTests {
    @Test func findsMembersAndElementsWithTheirRawText() throws {
        let scanner = JSONScanner(bytes: Array(#"{"a": [1, {"b": "x\"}"}, null], "c" : "d"}"#.utf8))
        let root = try scanner.rootValue()
        let members = try #require(try scanner.members(of: root))
        #expect(members.map(\.key) == ["a", "c"])
        let elements = try #require(try scanner.elements(of: members[0].value))
        #expect(elements.map(scanner.text) == ["1", #"{"b": "x\"}"}"#, "null"])
        #expect(scanner.scalarText(members[1].value) == "d")
    }

    @Test(arguments: [#"{"patients": [{"id": "1"}, {"id": "#, #"{"a": 1"#, #"[1, 2"#, "", #"{"a": 1} x"#])
    func truncatedOrTrailingGarbageIsMalformed(_ text: String) {
        #expect(throws: JSONScanner.MalformedJSON.self) { try JSONScanner(bytes: Array(text.utf8)).rootValue() }
    }
}
