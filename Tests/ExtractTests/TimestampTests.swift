import Foundation
import Testing

@testable import Extract

@Suite struct TimestampTests {
    @Test func parsesClinikoTimestamps() throws {
        let date = try #require(Timestamp.parseISO8601("2024-04-02T14:45:00Z"))
        #expect(date.timeIntervalSince1970 == 1_712_069_100)
        #expect(Timestamp.formatISO8601(date) == "2024-04-02T14:45:00Z")
    }

    @Test func acceptsFractionsAndOffsets() throws {
        let fraction = try #require(Timestamp.parseISO8601("2026-03-01T10:00:00.123Z"))
        #expect(abs(fraction.timeIntervalSince1970 - 1_772_359_200.123) < 1e-6)
        let offset = try #require(Timestamp.parseISO8601("2026-03-01T21:00:00+11:00"))
        #expect(offset.timeIntervalSince1970 == 1_772_359_200)
    }

    @Test(arguments: ["", "2024-04-02", "2024-13-02T00:00:00Z", "2024-04-02T14:45:00", "yesterday"])
    func refusesOtherText(_ text: String) {
        #expect(Timestamp.parseISO8601(text) == nil)
    }

    @Test func formatsBeforeTheEpochAndAcrossLeapDays() throws {
        #expect(Timestamp.formatISO8601(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        let leap = try #require(Timestamp.parseISO8601("2024-02-29T23:59:59Z"))
        #expect(Timestamp.formatISO8601(leap.addingTimeInterval(1)) == "2024-03-01T00:00:00Z")
    }
}
