/// The sandbox's time-travel state: the simulated present and each organization's current data snapshot.
///
/// Organizations are generated lazily on first use. Snapshots are immutable ``Clinic`` objects, so request
/// handlers encode from them outside the actor.
actor SandboxState {
    let profiles: [OrganizationProfile]
    let clerk: ClerkDirectory
    private let seed: UInt64
    private let patientsPerOrganization: Int
    private let visits: SandboxServer.Configuration.VisitMode
    private let generationNow: Int64
    private(set) var now: Int64
    private var clinics: [Clinic?]
    /// Days advanced so far, replayed on organizations generated after an advance.
    private var advancedDays: [Int64] = []

    init(
        seed: UInt64, organizationCount: Int, patientsPerOrganization: Int, now: Int64,
        visits: SandboxServer.Configuration.VisitMode = .catalog
    ) {
        self.seed = seed
        self.visits = visits
        self.patientsPerOrganization = patientsPerOrganization
        self.generationNow = now
        self.now = now
        self.profiles = OrganizationProfile.make(count: organizationCount, seed: seed, now: now)
        self.clerk = ClerkDirectory(profiles: profiles, seed: seed, now: now)
        self.clinics = Array(repeating: nil, count: organizationCount)
    }

    /// The current snapshot of organization `index`, generating it on first use.
    func clinic(_ index: Int) -> Clinic {
        if let clinic = clinics[index] { return clinic }
        var data = generator(index, now: generationNow).generate()
        for dayStart in advancedDays {
            var events = ClinicGenerator.DayEvents()
            generator(index, now: dayStart + 86_400).advanceDay(&data, dayStart: dayStart, events: &events)
        }
        let clinic = Clinic(profile: profiles[index], data: data)
        clinics[index] = clinic
        return clinic
    }

    /// Applies `days` days of change to every organization and reports the exact deltas.
    func advance(days: Int) -> AdvanceReport {
        let previous = now
        var deltas: [AdvanceReport.OrganizationDelta] = []
        var dayStarts: [Int64] = []
        for day in 0..<days { dayStarts.append(previous + Int64(day) * 86_400) }
        for index in profiles.indices {
            var data = clinic(index).data
            var events = ClinicGenerator.DayEvents()
            for dayStart in dayStarts {
                generator(index, now: dayStart + 86_400).advanceDay(&data, dayStart: dayStart, events: &events)
            }
            let since = UInt32(previous)
            deltas.append(
                AdvanceReport.OrganizationDelta(
                    id: profiles[index].clerkID,
                    patientsCreated: data.patients.count { $0.createdAt > since },
                    patientsChanged: data.patients.count { $0.updatedAt > since },
                    patientsArchived: data.patients.count { $0.archivedAt > since },
                    appointmentsCreated: data.appointments.count { $0.createdAt > since },
                    appointmentsChanged: data.appointments.count { $0.updatedAt > since },
                    appointmentsRescheduled: events.rescheduled, appointmentsCancelled: events.cancelled,
                    appointmentsAttended: events.attended, appointmentsDidNotArrive: events.didNotArrive,
                    contactsCreated: data.contacts.count { $0.createdAt > since },
                    conversationsCreated: data.conversations.count { $0.createdAt > since },
                    messagesCreated: data.conversations.reduce(0) { total, conversation in
                        total + conversation.messages.count { $0.createdAt > since }
                    }
                )
            )
            clinics[index] = Clinic(profile: profiles[index], data: data)
        }
        advancedDays.append(contentsOf: dayStarts)
        now = previous + Int64(days) * 86_400
        return AdvanceReport(
            days: days, previousNow: CivilTime.iso8601(previous), now: CivilTime.iso8601(now), organizations: deltas
        )
    }

    /// Changes one record of `resource` (bumping `updated_at` to one second past the newest) for the
    /// "record changed between two page fetches" fault. Returns the changed record's index.
    @discardableResult
    func touch(organization index: Int, resource: ClinikoResource, row: Int) -> Bool {
        var data = clinic(index).data
        switch resource {
        case .patients:
            guard data.patients.indices.contains(row) else { return false }
            let newest = data.patients.map(\.updatedAt).max() ?? 0
            data.patients[row].updatedAt = max(newest, UInt32(now)) + 1
            data.patients[row].revision &+= 1
        case .individualAppointments:
            guard data.appointments.indices.contains(row) else { return false }
            let newest = data.appointments.map(\.updatedAt).max() ?? 0
            data.appointments[row].updatedAt = max(newest, UInt32(now)) + 1
            data.appointments[row].revision &+= 1
        default:
            return false
        }
        clinics[index] = Clinic(profile: profiles[index], data: data)
        return true
    }

    /// Deletes one patient (the `delete` fault): lists stop showing it.
    func delete(organization index: Int, patient row: Int) {
        var data = clinic(index).data
        guard data.patients.indices.contains(row), data.patients[row].deletedAt == 0 else { return }
        let newest = data.patients.map(\.updatedAt).max() ?? 0
        data.patients[row].updatedAt = max(newest, UInt32(now)) + 1
        data.patients[row].deletedAt = data.patients[row].updatedAt
        clinics[index] = Clinic(profile: profiles[index], data: data)
    }

    private func generator(_ index: Int, now: Int64) -> ClinicGenerator {
        ClinicGenerator(
            profile: profiles[index], seed: seed, now: now, patientCount: patientsPerOrganization, visits: visits)
    }
}
