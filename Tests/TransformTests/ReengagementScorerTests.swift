import Foundation
import Pipeline
import Testing

@testable import Transform

@Suite("Re-engagement scoring")
struct ReengagementScorerTests {
    /// Wednesday 15 April 2026, noon in Sydney.
    static let asOf = Clinic.local(2026, 4, 15, 12)
    static let rules = ActivityScorer(asOf: asOf, timeZone: Clinic.sydney)

    /// A patient with attended visits `daysAgo` local days before the as-of date (10:00 each day), and optional
    /// bookings `daysAhead` days after it.
    static func history(_ id: Int, visitsDaysAgo: [Int], bookedDaysAhead: [Int] = []) -> PatientHistory {
        let patientID = String(1_300_000_000_000_000_000 + id)
        var appointments = visitsDaysAgo.map { days in
            Clinic.appointment(Clinic.local(2026, 4, 15 - days, 10), patientID: patientID, id: "\(patientID)-\(days)")
        }
        appointments += bookedDaysAhead.map { days in
            Clinic.appointment(Clinic.local(2026, 4, 15 + days, 10), patientID: patientID, id: "\(patientID)+\(days)")
        }
        return PatientHistory(patient: Clinic.patient(patientID), appointments: appointments)
    }

    /// Every `interval` days, `count` visits, the last `lastDaysAgo` days ago.
    static func regular(_ id: Int, every interval: Int, count: Int, lastDaysAgo: Int, booked: [Int] = [])
        -> PatientHistory
    {
        history(id, visitsDaysAgo: (0..<count).map { lastDaysAgo + $0 * interval }, bookedDaysAhead: booked)
    }

    /// 800 patients drawn from a BG/NBD population, as visit days.
    static let population: [PatientHistory] = {
        let truth = BetaGeometricModel(r: 0.9, alpha: 30, a: 0.7, b: 2.5)
        var random = SplitMix64(seed: 7)
        return (0..<800).map { index in
            let age = Int.random(in: 20...900, using: &random)
            let pattern = truth.simulatePattern(age: Double(age), using: &random)
            let first = age
            let last = age - Int(pattern.recency)
            // The repeat visits evenly between the first and the last visit day (only the pattern matters to the fit).
            var days = [first]
            if pattern.frequency > 0 {
                for step in 1...pattern.frequency {
                    days.append(first - Int((pattern.recency * Double(step) / Double(pattern.frequency)).rounded()))
                }
            }
            #expect(days.last == last)
            return history(1_000 + index, visitsDaysAgo: days)
        }
    }()

    static func scorer(_ extra: [PatientHistory], configuration: ReengagementScorer.Configuration = .init())
        -> ReengagementScorer
    {
        var accumulator = ReengagementScorer.Accumulator(rules: rules, configuration: configuration)
        for history in population + extra { accumulator.add(history) }
        return accumulator.makeScorer()
    }

    @Test("Typical interval is the median gap between visit days; the overdue ratio divides days since by it")
    func rhythm() {
        let odd = Self.rules.rhythm(Self.history(1, visitsDaysAgo: [10, 20, 40, 80]).appointments)
        #expect(odd.typicalInterval == 20)
        #expect(odd.overdueRatio == 0.5)
        let even = Self.rules.rhythm(Self.history(1, visitsDaysAgo: [5, 15, 35]).appointments)
        #expect(even.typicalInterval == 15)
        #expect(even.pattern == VisitPattern(frequency: 2, recency: 30, age: 35))
        // Two visits on one day count once; a missed visit does not count.
        var sameDay = Self.history(1, visitsDaysAgo: [3, 3, 9]).appointments
        sameDay[1].id = "other"
        sameDay.append(Clinic.appointment(Clinic.local(2026, 4, 1, 10), .didNotArrive))
        let rhythm = Self.rules.rhythm(sameDay)
        #expect(rhythm.days.count == 2)
        #expect(rhythm.typicalInterval == 6)
        #expect(Self.rules.rhythm([]).pattern == nil)
    }

    @Test("Quintiles by mid-rank: equal values share one; an unseen value falls between its neighbours")
    func quintiles() {
        let scale = QuintileScale(histogram: [1: 50, 2: 20, 3: 10, 4: 10, 10: 10])
        #expect(scale.quintile(of: 1) == 2)  // mid-rank 0.25
        #expect(scale.quintile(of: 2) == 4)  // 0.6, where the fourth fifth begins
        #expect(scale.quintile(of: 3) == 4)  // 0.75
        #expect(scale.quintile(of: 4) == 5)  // 0.85
        #expect(scale.quintile(of: 10) == 5)  // 0.95
        #expect(scale.quintile(of: 7) == 5)  // 0.9
        #expect(QuintileScale(histogram: [:]).quintile(of: 1) == nil)
        #expect(PatientActivity.RFMSegment(recency: 5, frequency: 5) == .champions)
        #expect(PatientActivity.RFMSegment(recency: 1, frequency: 5) == .atRisk)
        #expect(PatientActivity.RFMSegment(recency: 1, frequency: 1) == .lost)
        #expect(PatientActivity.RFMSegment(recency: 5, frequency: 1) == .newPatients)
    }

    @Test("An overdue regular who is likely still a patient is called, with a reason and no personal data")
    func overdueRegular() throws {
        let patient = Self.regular(1, every: 21, count: 8, lastDaysAgo: 50)
        let scorer = Self.scorer([patient])
        let activity = scorer.score(patient)
        let alive = try #require(activity.probabilityAlive)
        try #require(alive >= 0.5)
        #expect(activity.typicalIntervalDays == 21)
        #expect(activity.overdueRatio == 2.381)
        #expect(activity.actionPriority == 1)
        #expect(activity.riskLevel == .high)
        #expect(activity.engagement == .dormant)
        #expect(activity.riskScore == Int((100 * (1 - alive)).rounded()))
        #expect(activity.callRank != nil)
        let percent = Int((alive * 100).rounded())
        #expect(
            activity.callReason
                == "regular every ~21 days, 50 days since last visit, \(percent) % likely still a patient")
        #expect(activity.callReason?.contains("Test") == false)
        // The original rules see 50 silent days (medium risk, priority 2); by this patient's own rhythm they are
        // more than two intervals late.
        #expect(Self.rules.score(patient).actionPriority == 2)
    }

    @Test("Short courses, patients within their rhythm, booked patients and lost patients are not urgent")
    func notUrgent() {
        let shortCourse = Self.history(2, visitsDaysAgo: [190, 200])
        let withinRhythm = Self.regular(3, every: 30, count: 6, lastDaysAgo: 20)
        let booked = Self.regular(4, every: 14, count: 6, lastDaysAgo: 70, booked: [3])
        let lost = Self.regular(5, every: 7, count: 10, lastDaysAgo: 300)
        let scorer = Self.scorer([shortCourse, withinRhythm, booked, lost])

        let course = scorer.score(shortCourse)
        #expect(course.actionPriority == 4)
        #expect(course.recommendedAction == "Short course finished: no call")
        // The original rules put this patient (200 days silent) on the urgent list.
        #expect(Self.rules.score(shortCourse).actionPriority == 1)

        let rhythm = scorer.score(withinRhythm)
        #expect(rhythm.engagement == .active)
        #expect(rhythm.actionPriority == 4)
        #expect(rhythm.recommendedAction == "Maintain current care plan")

        let upcoming = scorer.score(booked)
        #expect(upcoming.riskScore == 0)
        #expect(upcoming.actionPriority == 4)
        #expect(upcoming.callRank == nil)

        // Never attended, four no-shows: urgent under the original rules, not under the model.
        let patientID = "1300000000000000099"
        let noShows = PatientHistory(
            patient: Clinic.patient(patientID),
            appointments: [3, 10, 17, 24].map {
                Clinic.appointment(
                    Clinic.local(2026, 3, $0, 10), .didNotArrive, patientID: patientID, id: "\(patientID)-\($0)")
            })
        #expect(Self.rules.score(noShows).actionPriority == 1)
        let followUp = scorer.score(noShows)
        #expect(followUp.actionPriority == 2)
        #expect(followUp.recommendedAction == "Follow up: missed visits and never attended")
        #expect(followUp.probabilityAlive == nil)

        let gone = scorer.score(lost)
        #expect((gone.probabilityAlive ?? 1) < 0.2)
        #expect(gone.engagement == .stale)
        #expect(gone.recommendedAction == "Likely lost: no call")
        #expect(gone.actionPriority == 4)
        #expect(Self.rules.score(lost).actionPriority == 1)
    }

    @Test("The call list is capped and holds the highest-value overdue regulars")
    func callList() throws {
        let extra = (0..<60).map { Self.regular(10 + $0, every: 14 + $0 % 20, count: 4 + $0 % 7, lastDaysAgo: 45 + $0) }
        let scorer = Self.scorer(extra)
        let cap = min(50, Int((0.05 * Double(scorer.patientsWithVisits)).rounded(.up)))
        let activities = (Self.population + extra).map(scorer.score)
        let listed = activities.filter { $0.callRank != nil }
        #expect(listed.count == scorer.callListCount)
        #expect(!listed.isEmpty)
        #expect(listed.count <= cap)
        #expect(listed.allSatisfy { $0.actionPriority == 1 && $0.callReason != nil })
        #expect(activities.filter { $0.actionPriority == 1 }.count == listed.count)
        let model = try #require(scorer.model)
        func value(_ activity: PatientActivity) -> Double {
            (activity.probabilityAlive ?? 0) * (activity.expectedVisits90d ?? 0)
        }
        // Everyone left off the list who met the list's conditions is worth no more than anyone on it.
        let lowestListed = listed.map(value).min() ?? 0
        let waiting = activities.filter { $0.actionPriority == 2 }
        #expect(waiting.allSatisfy { value($0) <= lowestListed + 1e-12 })
        // Ranks follow value.
        let byRank = listed.sorted { $0.callRank! < $1.callRank! }
        #expect(zip(byRank, byRank.dropFirst()).allSatisfy { value($0) >= value($1) - 1e-12 })
        #expect(model.r > 0)
        // The original rules' urgent list is many times longer.
        let oldUrgent = (Self.population + extra).filter { Self.rules.score($0).actionPriority == 1 }.count
        #expect(oldUrgent > 5 * listed.count)
    }

    @Test("RFM quintiles rank recency and frequency among the organization's patients")
    func rfm() throws {
        let frequentRecent = Self.regular(6, every: 7, count: 40, lastDaysAgo: 1)
        let oneOld = Self.history(7, visitsDaysAgo: [880])
        let configuration = ActivityScorer.Configuration(averageFee: 120)
        var accumulator = ReengagementScorer.Accumulator(
            rules: ActivityScorer(asOf: Self.asOf, timeZone: Clinic.sydney, configuration: configuration))
        for history in Self.population + [frequentRecent, oneOld] { accumulator.add(history) }
        let scorer = accumulator.makeScorer()
        let best = try #require(scorer.score(frequentRecent).rfm)
        #expect(best.recency == 5)
        #expect(best.frequency == 5)
        #expect(best.monetary == 5)
        #expect(best.segment == .champions)
        let worst = try #require(scorer.score(oneOld).rfm)
        #expect(worst.recency == 1)
        #expect(worst.segment == .lost || worst.segment == .hibernating)
        #expect(Self.scorer([]).score(oneOld).rfm?.monetary == nil)
        #expect(scorer.score(Self.history(8, visitsDaysAgo: [])).rfm == nil)
    }

    @Test("Without a fit the original rules decide, and the reason is kept")
    func fallback() {
        let few = (0..<10).map { Self.regular(20 + $0, every: 10, count: 5, lastDaysAgo: 100) }
        var accumulator = ReengagementScorer.Accumulator(rules: Self.rules)
        for history in few { accumulator.add(history) }
        let scorer = accumulator.makeScorer()
        #expect(scorer.fit == .failure(.tooFewPatients(count: 10, minimum: 30)))
        for history in few {
            let activity = scorer.score(history)
            let original = Self.rules.score(history)
            #expect(activity.actionPriority == original.actionPriority)
            #expect(activity.recommendedAction == original.recommendedAction)
            #expect(activity.riskScore == original.riskScore)
            #expect(activity.probabilityAlive == nil)
            #expect(activity.typicalIntervalDays == 10)
            #expect(activity.callRank == nil)
        }
        var rulesOnly = ReengagementScorer.Accumulator(rules: Self.rules)
        for history in Self.population { rulesOnly.add(history) }
        #expect(rulesOnly.makeScorer(fittingModel: false).fit == .failure(.notRequested))
    }
}
