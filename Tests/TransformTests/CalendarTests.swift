import Foundation
import Testing

@testable import Transform

@Suite("Calendar arithmetic")
struct CalendarTests {
    @Test("Civil dates round-trip and ISO weeks agree with Foundation over ten years")
    func civilDates() {
        var iso = Calendar(identifier: .iso8601)
        iso.timeZone = TimeZone(identifier: "UTC")!
        for dayNumber in stride(from: 18_000, to: 21_700, by: 1) {
            let date = CivilDate(dayNumber: dayNumber)
            #expect(date.dayNumber == dayNumber)
            let instant = Date(timeIntervalSince1970: Double(dayNumber) * 86_400)
            let components = iso.dateComponents(
                [.yearForWeekOfYear, .weekOfYear, .weekday, .year, .month, .day],
                from: instant
            )
            #expect(components.year == date.year && components.month == date.month && components.day == date.day)
            let week = CivilDate.isoWeek(ofDayNumber: dayNumber)
            #expect(week.year == components.yearForWeekOfYear && week.week == components.weekOfYear)
        }
        #expect(CivilDate(year: 2026, month: 10, day: 4).description == "2026-10-04")
        #expect(CivilDate.isoWeekday(ofDayNumber: CivilDate(year: 2026, month: 10, day: 5).dayNumber) == 1)
    }

    @Test("Local days in Sydney across both DST changes")
    func localDays() {
        let calendar = LocalCalendar(timeZone: Clinic.sydney)
        let beforeStart = Clinic.local(2026, 10, 3, 23, 59)
        let afterStart = Clinic.local(2026, 10, 4, 0, 0)
        #expect(calendar.dayNumber(of: afterStart) - calendar.dayNumber(of: beforeStart) == 1)
        let dstStartDay = calendar.dayNumber(of: Clinic.local(2026, 10, 4, 12))
        #expect(calendar.startOfDay(dayNumber: dstStartDay) == Clinic.local(2026, 10, 4))
        #expect(
            calendar.startOfDay(dayNumber: dstStartDay + 1).timeIntervalSince(Clinic.local(2026, 10, 4)) == 23 * 3600
        )
        let dstEndDay = calendar.dayNumber(of: Clinic.local(2026, 4, 5, 12))
        #expect(
            calendar.startOfDay(dayNumber: dstEndDay + 1).timeIntervalSince(calendar.startOfDay(dayNumber: dstEndDay))
                == 25 * 3600
        )
        #expect(
            calendar.dayNumber(of: Clinic.local(2026, 4, 15, 0, 0))
                == calendar.dayNumber(of: Clinic.local(2026, 4, 15, 23, 59))
        )
    }
}
