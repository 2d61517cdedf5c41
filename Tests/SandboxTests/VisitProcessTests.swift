import Foundation
import Testing

@testable import Sandbox

@Suite("Generative visit mode (BG/NBD)")
struct VisitProcessTests {
    static let now: Int64 = 1_772_355_600  // 2026-03-01T09:00:00Z

    static func clinic(_ visits: SandboxServer.Configuration.VisitMode) -> ClinicData {
        let profile = OrganizationProfile.make(count: 1, seed: 5, now: now)[0]
        return ClinicGenerator(profile: profile, seed: 5, now: now, patientCount: 400, visits: visits).generate()
    }

    @Test("Per-clinic parameters come from the seed, within their documented ranges")
    func parameters() {
        let first = VisitProcess.clinic(seed: 1, index: 0)
        #expect(first == VisitProcess.clinic(seed: 1, index: 0))
        #expect(first != VisitProcess.clinic(seed: 1, index: 1))
        #expect(first != VisitProcess.clinic(seed: 2, index: 0))
        for index in 0..<50 {
            let process = VisitProcess.clinic(seed: 9, index: index)
            #expect((0.5...2).contains(process.r))
            #expect((14...60).contains(process.alpha / process.r))
            #expect((0.5...1.5).contains(process.a))
            #expect((2...6).contains(process.b))
        }
    }

    @Test("Simulated patients visit in order, stop only after a repeat visit, and are the same for the same seed")
    func simulation() {
        let process = VisitProcess(r: 1, alpha: 20, a: 1, b: 3)
        let patients = process.simulate(count: 2_000, firstVisitDays: 365, end: 400, seed: 3, clinic: 0)
        #expect(patients == process.simulate(count: 2_000, firstVisitDays: 365, end: 400, seed: 3, clinic: 0))
        #expect(patients != process.simulate(count: 2_000, firstVisitDays: 365, end: 400, seed: 4, clinic: 0))
        for patient in patients {
            #expect(zip(patient.visitTimes, patient.visitTimes.dropFirst()).allSatisfy { $0 < $1 })
            #expect(patient.visitTimes.allSatisfy { $0 < 400 })
            if let stopped = patient.droppedOutAt {
                #expect(patient.visitTimes.count >= 2)
                #expect(stopped == patient.visitTimes.last)
                #expect(!patient.isAlive(at: stopped))
            }
        }
        // A quarter of patients stop after any one visit on average (a / (a + b)); some have, some have not.
        let stopped = patients.filter { $0.droppedOutAt != nil }.count
        #expect(stopped > 200)
        #expect(stopped < 1_800)
    }

    @Test("The sandbox's generative mode replaces the catalog's visit gaps and is deterministic")
    func sandboxMode() {
        let generative = Self.clinic(.bgnbd)
        let catalog = Self.clinic(.catalog)
        #expect(generative.patients.count == catalog.patients.count)
        #expect(Self.clinic(.bgnbd).appointments.map(\.startsAt) == generative.appointments.map(\.startsAt))
        // The catalog spaces visits 7–28 days apart; Poisson gaps are often shorter or longer.
        func gaps(_ data: ClinicData) -> [Int64] {
            let byPatient = Dictionary(grouping: data.appointments, by: \.patient)
            return byPatient.values.flatMap { rows -> [Int64] in
                let starts = rows.map { Int64($0.startsAt) }.sorted()
                return zip(starts.dropFirst(), starts).map { ($0 - $1) / 86_400 }
            }
        }
        let generativeGaps = gaps(generative)
        #expect(generativeGaps.contains { $0 < 6 || $0 > 30 })
        #expect(generative.appointments.map(\.startsAt) != catalog.appointments.map(\.startsAt))
    }
}
