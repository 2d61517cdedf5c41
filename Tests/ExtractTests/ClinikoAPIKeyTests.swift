import Testing

@testable import Extract

@Suite struct ClinikoAPIKeyTests {
    @Test func theShardIsTheSuffixAfterTheLastDash() throws {
        let key = try #require(ClinikoAPIKey("MS0xLTEyMzQ1Njc4OTAtpd-AU2"))
        #expect(key.shard == "au2")
        #expect(key.defaultBaseURL == "https://api.au2.cliniko.com/v1")
        #expect(try #require(ClinikoAPIKey("abc-def-uk1")).shard == "uk1")
    }

    @Test func aKeyWithoutSuffixIsAnOlderAU1Key() throws {
        #expect(try #require(ClinikoAPIKey("MxJrZXkiOiI1Njd1amJmZTQ1NyJ9")).shard == "au1")
    }

    @Test(arguments: ["", "   ", "key-notashard", "key-au123", "-au1", "key-"])
    func malformedKeysAreRefused(_ text: String) {
        #expect(ClinikoAPIKey(text) == nil)
    }

    @Test func basicAuthMatchesTheDocumentationVector() throws {
        let key = try #require(ClinikoAPIKey("MxJrZXkiOiI1Njd1amJmZTQ1NyJ9-au2"))
        #expect(key.authorization == "Basic TXhKclpYa2lPaUkxTmpkMWFtSm1aVFExTnlKOS1hdTI6")
    }
}
