import Foundation
import Testing

@testable import Pipeline

@Suite("Cron schedules in each clinic's time zone, across daylight-saving changes")
struct CronScheduleTests {
    static func instant(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    static func zone(_ identifier: String) -> TimeZone {
        TimeZone(identifier: identifier)!
    }

    /// Every firing in [from, to), walking with `next(after:)`.
    static func firings(_ schedule: CronSchedule, from: String, to: String, in zone: TimeZone) -> [Date] {
        var result: [Date] = []
        var cursor = instant(from).addingTimeInterval(-1)
        while let next = schedule.next(after: cursor, in: zone), next < instant(to) {
            result.append(next)
            cursor = next
        }
        return result
    }

    @Test("2 am in Brisbane (no daylight saving) is 16:00 UTC the day before")
    func brisbane() throws {
        let schedule = try #require(CronSchedule("0 2 * * *"))
        let brisbane = Self.zone("Australia/Brisbane")
        #expect(
            schedule.latest(atOrBefore: Self.instant("2026-12-07T00:00:00Z"), in: brisbane)
                == Self.instant("2026-12-06T16:00:00Z"))
        #expect(
            schedule.latest(atOrBefore: Self.instant("2026-12-06T15:59:59Z"), in: brisbane)
                == Self.instant("2026-12-05T16:00:00Z"))
        #expect(
            schedule.next(after: Self.instant("2026-12-06T16:00:00Z"), in: brisbane)
                == Self.instant("2026-12-07T16:00:00Z"))
    }

    @Test("the same schedule is a different instant in each clinic's zone")
    func zones() throws {
        let schedule = try #require(CronSchedule("0 2 * * *"))
        let at = Self.instant("2026-12-07T12:00:00Z")
        let expected = [
            "Australia/Brisbane": "2026-12-06T16:00:00Z", "Australia/Sydney": "2026-12-06T15:00:00Z",
            "Pacific/Auckland": "2026-12-06T13:00:00Z", "Europe/London": "2026-12-07T02:00:00Z",
            "America/Toronto": "2026-12-07T07:00:00Z",
        ]
        for (zone, time) in expected {
            #expect(schedule.latest(atOrBefore: at, in: Self.zone(zone)) == Self.instant(time), "\(zone)")
        }
    }

    @Test("a local time that happens twice (clocks fall back) fires once, at its first occurrence")
    func repeatedHour() throws {
        let cases: [(zone: String, expression: String, day: (String, String), first: String)] = [
            (
                "Australia/Sydney", "30 2 * * *", ("2026-04-04T13:00:00Z", "2026-04-05T13:00:00Z"),
                "2026-04-04T15:30:00Z"
            ),
            (
                "Pacific/Auckland", "30 2 * * *", ("2026-04-04T11:00:00Z", "2026-04-05T12:00:00Z"),
                "2026-04-04T13:30:00Z"
            ),
            ("Europe/London", "30 1 * * *", ("2026-10-25T00:00:00Z", "2026-10-26T00:00:00Z"), "2026-10-25T00:30:00Z"),
            ("America/Toronto", "30 1 * * *", ("2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"), "2026-11-01T05:30:00Z"),
        ]
        for item in cases {
            let schedule = try #require(CronSchedule(item.expression))
            let zone = Self.zone(item.zone)
            let firings = Self.firings(schedule, from: item.day.0, to: item.day.1, in: zone)
            #expect(firings == [Self.instant(item.first)], "\(item.zone): \(firings)")
            // An hour later the clock shows the same local time again, and the latest firing is still the first.
            let second = Self.instant(item.first).addingTimeInterval(3_600)
            #expect(schedule.latest(atOrBefore: second, in: zone) == Self.instant(item.first), "\(item.zone)")
        }
    }

    @Test("a local time the clocks skip (spring forward) fires once, just after the gap")
    func skippedHour() throws {
        let cases: [(zone: String, expression: String, day: (String, String), gapEnd: String)] = [
            (
                "Australia/Sydney", "30 2 * * *", ("2026-10-03T14:00:00Z", "2026-10-04T13:00:00Z"),
                "2026-10-03T16:00:00Z"
            ),
            (
                "Pacific/Auckland", "30 2 * * *", ("2026-09-26T12:00:00Z", "2026-09-27T11:00:00Z"),
                "2026-09-26T14:00:00Z"
            ),
            ("Europe/London", "30 1 * * *", ("2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z"), "2026-03-29T01:00:00Z"),
            ("America/Toronto", "30 2 * * *", ("2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"), "2026-03-08T07:00:00Z"),
        ]
        for item in cases {
            let schedule = try #require(CronSchedule(item.expression))
            let firings = Self.firings(schedule, from: item.day.0, to: item.day.1, in: Self.zone(item.zone))
            #expect(firings.count == 1, "\(item.zone): \(firings)")
            let gapEnd = Self.instant(item.gapEnd)
            #expect(
                firings.first.map { $0 >= gapEnd && $0 <= gapEnd.addingTimeInterval(3_600) } == true,
                "\(item.zone): fired at \(firings), the gap ends at \(gapEnd)")
        }
    }

    @Test("day of month and day of week: either matches when both are restricted; Sunday is 0 or 7")
    func dayRules() throws {
        let either = try #require(CronSchedule("0 3 1 * 0"))
        let utc = Self.zone("UTC")
        // December 2026: the 1st is a Tuesday; Sundays are the 6th, 13th, 20th and 27th.
        let days = Self.firings(either, from: "2026-12-01T00:00:00Z", to: "2027-01-01T00:00:00Z", in: utc).map {
            Calendar(identifier: .gregorian).dateComponents(in: utc, from: $0).day!
        }
        #expect(days == [1, 6, 13, 20, 27])
        let sunday7 = try #require(CronSchedule("0 3 * * 7"))
        #expect(
            Self.firings(sunday7, from: "2026-12-01T00:00:00Z", to: "2026-12-08T00:00:00Z", in: utc)
                == [Self.instant("2026-12-06T03:00:00Z")])
        let steps = try #require(CronSchedule("*/20 9-10 * * 1-5"))
        #expect(
            Self.firings(steps, from: "2026-12-07T00:00:00Z", to: "2026-12-08T00:00:00Z", in: utc).count == 6,
            "Monday 9:00, 9:20, 9:40, 10:00, 10:20, 10:40")
        #expect(
            Self.firings(steps, from: "2026-12-05T00:00:00Z", to: "2026-12-07T00:00:00Z", in: utc).isEmpty,
            "no weekend firing")
    }

    @Test("a 29 February schedule looks back to the last leap day; an invalid expression is refused")
    func edges() throws {
        let leap = try #require(CronSchedule("0 0 29 2 *"))
        #expect(
            leap.latest(atOrBefore: Self.instant("2026-12-07T00:00:00Z"), in: Self.zone("UTC")) == nil,
            "2024-02-29 is more than 400 days back")
        #expect(
            leap.next(after: Self.instant("2027-06-01T00:00:00Z"), in: Self.zone("UTC"))
                == Self.instant("2028-02-29T00:00:00Z"))
        #expect(CronSchedule("61 * * * *") == nil)
        #expect(CronSchedule("0 2 * *") == nil)
        #expect(
            CronSchedule("5/15 * * * *").map { schedule in
                Self.firings(schedule, from: "2026-12-07T00:00:00Z", to: "2026-12-07T01:00:00Z", in: Self.zone("UTC"))
                    .count
            } == 4, "5/15 is 5, 20, 35, 50")
    }
}
