import Foundation

/// Generates one organization's Cliniko and Chatwoot data deterministically from the seed and `now`.
///
/// Follows the fact sheet's §D: phone format mix with junk and foreign numbers, missing e-mails, archived and
/// merged patients, near-duplicates, shared family phones, several businesses in different time zones (one on
/// the other side of a DST rule), appointments on 15-minute local slots stored in UTC, attended / cancelled /
/// did-not-arrive / upcoming outcomes, reschedules, repeat series, and Chatwoot contacts that match patients by
/// phone, by e-mail or not at all.
struct ClinicGenerator {
    let profile: OrganizationProfile
    let seed: UInt64
    let now: Int64
    let patientCount: Int
    /// How patients' visits are generated; the catalog's mix by default.
    var visits: SandboxServer.Configuration.VisitMode = .catalog

    static let historyDays: Int64 = 3 * 365
    static let horizonDays: Int64 = 730

    func generate() -> ClinicData {
        var data = ClinicData()
        var rng = SplitMix64(seed: seed, 0xC11A, UInt64(profile.index))
        makeBusinesses(&data, &rng)
        makeOffsets(&data)
        makePractitioners(&data, &rng)
        makeAppointmentTypes(&data, &rng)
        let e164 = makePatients(&data, &rng)
        makeAppointments(&data, &rng)
        makeContacts(&data, e164: e164, &rng)
        makeConversations(&data, &rng)
        return data
    }

    // MARK: Businesses, practitioners, types

    private func makeBusinesses(_ data: inout ClinicData, _ rng: inout SplitMix64) {
        let count = [1, 1, 1, 1, 1, 1, 1, 2, 2, 3][rng.below(10)]
        var zones = [(profile.timeZone, profile.timeZoneLabel)]
        let hasDST = ["Australia/Sydney", "Australia/Melbourne", "Australia/Adelaide"].contains(profile.timeZone)
        if count > 1 { zones.append(hasDST ? ("Australia/Brisbane", "Brisbane") : ("Australia/Sydney", "Sydney")) }
        if count > 2 { zones.append(rng.chance(0.5) ? ("Pacific/Auckland", "Auckland") : ("Australia/Perth", "Perth")) }
        for (index, zone) in zones.enumerated() {
            let created = profile.createdAt + UInt32(index * 86_400 * 40)
            let place = Catalog.cities[rng.below(Catalog.cities.count)]
            data.businesses.append(
                Business(
                    id: nextID(&data, ClinikoID.business, created),
                    name: index == 0 ? profile.name : "\(profile.name) \(place.city)",
                    city: place.city, state: place.state, postCode: place.postCode,
                    timeZoneLabel: zone.1, timeZoneIdentifier: zone.0,
                    createdAt: created, updatedAt: created + UInt32(rng.below(86_400 * 30))
                )
            )
        }
    }

    private func makeOffsets(_ data: inout ClinicData) {
        let first = now / 86_400 - Self.historyDays - 60
        data.offsetFirstDay = first
        let dayCount = Int(Self.historyDays + 60 + Self.horizonDays)
        data.offsets = data.businesses.map { business in
            let zone = TimeZone(identifier: business.timeZoneIdentifier) ?? TimeZone(secondsFromGMT: 36_000)!
            return (0..<dayCount).map { offset in
                let noon = (first + Int64(offset)) * 86_400 + 2 * 3600
                return Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(noon))))
            }
        }
    }

    private func makePractitioners(_ data: inout ClinicData, _ rng: inout SplitMix64) {
        var inactive = 1 + rng.below(2)
        for (businessIndex, business) in data.businesses.enumerated() {
            let count = 2 + rng.below(businessIndex == 0 ? 7 : 3)
            for _ in 0..<count {
                let created = business.createdAt + UInt32(rng.below(86_400 * 200))
                let isActive = !(inactive > 0 && rng.chance(0.3))
                if !isActive { inactive -= 1 }
                data.practitioners.append(
                    Practitioner(
                        id: nextID(&data, ClinikoID.practitioner, created),
                        userID: 1_300_000_000_000_000_000 + Int64(rng.below(1_000_000_000)) * 100,
                        firstName: rng.pick(Catalog.firstNames), lastName: rng.pick(Catalog.lastNames),
                        title: rng.chance(0.2) ? "Dr" : nil, designation: rng.pick(Catalog.designations),
                        isActive: isActive, business: UInt8(businessIndex), createdAt: created,
                        updatedAt: created + UInt32(rng.below(86_400 * 100))
                    )
                )
            }
        }
        data.practitioners.sort { $0.id < $1.id }
    }

    private func makeAppointmentTypes(_ data: inout ClinicData, _ rng: inout SplitMix64) {
        for (index, type) in Catalog.appointmentTypes.enumerated() {
            let created = profile.createdAt + UInt32(index * 3600)
            let archived = index >= 9 && rng.chance(0.5)
            data.appointmentTypes.append(
                AppointmentType(
                    id: nextID(&data, ClinikoID.appointmentType, created),
                    name: type.name, category: type.name.hasPrefix("Massage") ? "Massage" : "Physiotherapy",
                    color: Catalog.colors[index % Catalog.colors.count], durationInMinutes: type.minutes,
                    maxAttendees: type.attendees, isTelehealth: type.telehealth,
                    depositPrice: type.name.contains("Package") || type.name.contains("package") ? "50.0" : "0.0",
                    showInOnlineBookings: !type.name.contains("package"), createdAt: created,
                    updatedAt: created + UInt32(rng.below(86_400 * 60)),
                    archivedAt: archived ? UInt32(now - Int64(rng.below(86_400 * 90))) : 0
                )
            )
        }
    }

    // MARK: Patients

    /// Returns the E.164 form of each patient's first phone (nil for junk, landline-only or none).
    private func makePatients(_ data: inout ClinicData, _ rng: inout SplitMix64) -> [String?] {
        let start = now - Self.historyDays * 86_400
        var created = (0..<patientCount).map { _ in UInt32(start + Int64(rng.below(Int(now - start - 3600)))) }
        created.sort()
        var e164: [String?] = []
        e164.reserveCapacity(patientCount)
        data.patients.reserveCapacity(patientCount)
        let slotSalt = rng.below(10_000)
        for index in 0..<patientCount {
            let createdAt = created[index]
            var patient = freshPatient(
                index: index, createdAt: createdAt, slot: (slotSalt + index * 7919) % 10_000,
                e164: &e164, &rng)
            patient.id = nextID(&data, ClinikoID.patient, createdAt)
            // Near-duplicates, shared family phones and merges refer back to an earlier patient.
            if index > 10 {
                let other = index - 1 - rng.below(min(index - 1, 200))
                let roll = rng.unit()
                if roll < 0.02 {
                    let original = data.patients[other]
                    patient.firstName = original.firstName
                    patient.lastName = original.lastName
                    patient.email = rng.chance(0.5) ? original.email?.uppercased() : original.email
                    if let canonical = e164[other] {
                        patient.phone1 = rng.chance(0.5) ? String(canonical.dropFirst()) : canonical
                        patient.phoneType1 = PhoneType.mobile.rawValue
                        e164[index] = canonical
                    }
                    if rng.chance(0.4) {
                        let mergedAt = UInt32(min(Int64(createdAt) + Int64(rng.int(3600...86_400 * 60)), now - 60))
                        if mergedAt > createdAt {
                            patient.mergedAt = mergedAt
                            patient.archivedAt = mergedAt
                            patient.mergedInto = Int32(other)
                            patient.updatedAt = mergedAt
                        }
                    }
                } else if roll < 0.06, data.patients[other].phone1 != nil {
                    let parent = data.patients[other]
                    patient.lastName = parent.lastName
                    patient.phone1 = parent.phone1
                    patient.phoneType1 = parent.phoneType1
                    e164[index] = e164[other]
                    patient.dateOfBirth = Int32(now / 86_400) - Int32(rng.int(365 * 3...365 * 16))
                }
            }
            data.patients.append(patient)
        }
        return e164
    }

    func freshPatient(
        index: Int, createdAt: UInt32, slot: Int, e164: inout [String?], _ rng: inout SplitMix64
    ) -> Patient {
        let firstName = rng.pick(Catalog.firstNames)
        let lastName = rng.pick(Catalog.lastNames)
        let isOnline = rng.chance(0.55)
        var patient = Patient(
            id: 0, firstName: firstName, lastName: lastName,
            preferredFirstName: rng.chance(0.05) ? String(firstName.prefix(3)) : nil,
            title: rng.chance(0.1) ? rng.pick(Catalog.titles) : nil, email: nil, phone1: nil, phone2: nil,
            phoneType1: 0, phoneType2: 0, sex: rng.chance(0.1) ? UInt8(1 + rng.below(3)) : 0,
            city: UInt8(rng.below(Catalog.cities.count)), dateOfBirth: Int32.min, mergedInto: -1,
            createdAt: createdAt, updatedAt: createdAt, archivedAt: 0, mergedAt: 0, deletedAt: 0, revision: 0,
            isOnlineBooking: isOnline
        )
        if rng.chance(0.66) {
            let local = "\(firstName).\(lastName)".lowercased().filter { $0.isLetter || $0 == "." }
            let number = rng.chance(0.5) ? String(rng.below(100)) : ""
            patient.email = "\(local)\(number)@\(rng.pick(Catalog.emailDomains))"
        }
        if rng.chance(isOnline ? 0.07 : 0.7) {
            patient.dateOfBirth = Int32(now / 86_400) - Int32(rng.below(365 * 95))
        }
        var canonical: String?
        switch rng.weighted([6, 80, 12, 2]) {
        case 0:
            break
        case 3:
            let line = PhoneFactory.landline(slot, isWork: false, rng: &rng)
            patient.phone1 = line.text
            patient.phoneType1 = PhoneType.home.rawValue
        default:
            let mobile = PhoneFactory.mobile(national: PhoneFactory.nationalMobile(slot), rng: &rng)
            patient.phone1 = mobile.text
            patient.phoneType1 = PhoneType.mobile.rawValue
            canonical = mobile.e164
            if rng.chance(0.13) {
                let isWork = rng.chance(0.5)
                patient.phone2 = PhoneFactory.landline(slot &+ index, isWork: isWork, rng: &rng).text
                patient.phoneType2 = (isWork ? PhoneType.work : PhoneType.home).rawValue
            }
        }
        e164.append(canonical)
        if rng.chance(0.3) {
            patient.updatedAt = createdAt + UInt32(rng.below(max(Int(now) - Int(createdAt), 1)))
            patient.revision = 1
        }
        if rng.chance(0.04) {
            let archivedAt = UInt32(Int64(createdAt) + Int64(rng.below(max(Int(now) - Int(createdAt), 1))))
            patient.archivedAt = archivedAt
            patient.updatedAt = max(patient.updatedAt, archivedAt)
        }
        return patient
    }

    // MARK: Appointments

    private func makeAppointments(_ data: inout ClinicData, _ rng: inout SplitMix64) {
        var rows: [Appointment] = []
        rows.reserveCapacity(data.patients.count * 13)
        let activePractitioners = data.practitioners.indices.filter { data.practitioners[$0].isActive }
        let typeWeights = Catalog.appointmentTypes.map(\.share)
        // In the generative mode each patient visits as a Poisson process and stops after a repeat visit with their
        // own probability, the BG/NBD assumptions, with this clinic's parameters (``VisitProcess/clinic(seed:index:)``).
        let process = visits == .bgnbd ? VisitProcess.clinic(seed: seed, index: profile.index) : nil
        for patientIndex in data.patients.indices {
            let patient = data.patients[patientIndex]
            var visits = rng.chance(0.4) ? 1 : 2 + Int(46 * pow(rng.unit(), 0.9))
            var rate = 0.0
            var dropOut = 0.0
            if let process {
                rate = VisitProcess.gamma(shape: process.r, using: &rng) / process.alpha
                dropOut = VisitProcess.beta(process.a, process.b, using: &rng)
                visits = Int.max
            }
            let practitioner = UInt8(activePractitioners.isEmpty ? 0 : rng.pick(activePractitioners))
            let business = data.practitioners[Int(practitioner)].business
            let isPackage = rng.chance(0.04)
            var day =
                (Int64(patient.createdAt) + offsetNear(data, business, Int64(patient.createdAt))) / 86_400
                + Int64(rng.below(patient.isOnlineBooking ? 3 : 14))
            var bookedAt = Int64(patient.createdAt) + Int64(rng.below(1800))
            var seriesStart: Int32 = -1
            for visit in 0..<visits {
                let typeIndex = visit == 0 ? 0 : (isPackage ? 6 : 1 + rng.weighted(Array(typeWeights[1...])))
                let minutes = Catalog.appointmentTypes[typeIndex].minutes
                let startsAt = slot(data, business: Int(business), day: &day, minutes: minutes, &rng)
                if startsAt > now + 42 * 86_400 || bookedAt > now || bookedAt >= startsAt { break }
                if patient.archivedAt != 0, startsAt > Int64(patient.archivedAt) { break }
                var row = Appointment(
                    id: 0, patient: Int32(patientIndex), repeatedFrom: -1, startsAt: UInt32(startsAt),
                    endsAt: UInt32(startsAt + Int64(minutes) * 60), createdAt: UInt32(bookedAt),
                    updatedAt: UInt32(bookedAt), cancelledAt: 0, archivedAt: 0, deletedAt: 0,
                    practitioner: practitioner, appointmentType: UInt8(typeIndex), business: business,
                    cancellationReason: 0, flags: patient.isOnlineBooking && visit == 0 ? .onlineBooking : [],
                    revision: 0
                )
                if isPackage, visit > 0 {
                    if seriesStart < 0 { seriesStart = Int32(rows.count) }
                    row.flags.insert(.repeating)
                    row.repeatedFrom = seriesStart
                }
                Self.settle(&row, now: now, reschedule: true, &rng)
                rows.append(row)
                bookedAt = Int64(row.endsAt) + Int64(rng.int(60...1800))
                if rng.chance(0.3) { bookedAt += Int64(rng.below(86_400 * 5)) }
                if process != nil {
                    if visit > 0, rng.unit() < dropOut { break }
                    guard rate > 0 else { break }
                    // The wait to the next visit, in whole days (at least one; capped at ten years).
                    day += Int64(min(3_650, max(1, (-log(1 - rng.unit()) / rate).rounded(.up))))
                } else {
                    day += Int64(isPackage ? 7 : rng.int(7...28))
                }
            }
        }
        // Creation order is the default Cliniko order; ids follow it.
        let order = rows.indices.sorted {
            (rows[$0].createdAt, $0) < (rows[$1].createdAt, $1)
        }
        var position = [Int32](repeating: 0, count: rows.count)
        for (new, old) in order.enumerated() { position[old] = Int32(new) }
        data.appointments = order.map { old in
            var row = rows[old]
            if row.repeatedFrom >= 0 { row.repeatedFrom = position[Int(row.repeatedFrom)] }
            return row
        }
        for index in data.appointments.indices {
            data.appointments[index].id = nextID(&data, ClinikoID.appointment, data.appointments[index].createdAt)
        }
    }

    /// Decides the outcome of a past appointment (and a possible earlier reschedule) as of `now`.
    static func settle(_ row: inout Appointment, now: Int64, reschedule: Bool, _ rng: inout SplitMix64) {
        let starts = Int64(row.startsAt)
        let created = Int64(row.createdAt)
        if reschedule, rng.chance(0.15), starts - created > 7200 {
            // Moved earlier or later by whole days or hours; the stored start is the final one.
            let at = created + Int64(rng.below(Int(starts - created)))
            if at <= now {
                row.updatedAt = max(row.updatedAt, UInt32(at))
                row.revision &+= 1
            }
        }
        guard starts < now else { return }
        let roll = rng.unit()
        if roll < 0.10 {
            let late = rng.chance(0.2)
            let before = Int64(late ? rng.below(24 * 3600) : rng.int(24 * 3600...72 * 3600))
            let cancelled = max(starts - before, created + 60)
            guard cancelled < starts, cancelled <= now else { return settleAttended(&row, now: now, &rng) }
            row.cancelledAt = UInt32(cancelled)
            row.cancellationReason =
                Catalog.cancellationReasons[
                    rng.weighted(Catalog.cancellationReasons.map(\.share))
                ].code
            row.updatedAt = max(row.updatedAt, UInt32(cancelled))
        } else if roll < 0.14 {
            row.flags.insert(.didNotArrive)
            if rng.chance(0.5) {
                row.updatedAt = max(row.updatedAt, UInt32(min(Int64(row.endsAt) + Int64(rng.below(7200)), now)))
            }
        } else {
            settleAttended(&row, now: now, &rng)
        }
        if rng.chance(0.01) {
            let archived = min(Int64(row.endsAt) + Int64(rng.below(86_400 * 30)), now)
            row.archivedAt = UInt32(archived)
            row.updatedAt = max(row.updatedAt, row.archivedAt)
            if rng.chance(0.1) { row.deletedAt = row.archivedAt }
        }
    }

    /// Marks an appointment attended. Only some arrivals are recorded as a later edit, so that about 30% of
    /// historical rows have `updated_at` after `created_at` (fact sheet §D.2).
    private static func settleAttended(_ row: inout Appointment, now: Int64, _ rng: inout SplitMix64) {
        row.flags.insert(.arrived)
        row.flags.insert(.smsReminderSent)
        if rng.chance(0.1) {
            row.updatedAt = max(row.updatedAt, UInt32(min(Int64(row.startsAt) + Int64(rng.below(1800)), now)))
        }
    }

    private func offsetNear(_ data: ClinicData, _ business: UInt8, _ seconds: Int64) -> Int64 {
        data.offset(business: Int(business), day: seconds / 86_400)
    }

    /// Picks an opening-hours slot on a 15-minute local mark on or after local `day`; returns UTC seconds.
    func slot(_ data: ClinicData, business: Int, day: inout Int64, minutes: Int, _ rng: inout SplitMix64) -> Int64 {
        var weekday = (day + 4) % 7  // 0 = Sunday
        if weekday == 0 {
            day += 1
            weekday = 1
        }
        let open: Int = weekday == 6 ? 480 : 420
        let close: Int = weekday == 6 ? 780 : 1170
        let marks: Int = (close - open - minutes) / 15
        let minute = open + 15 * rng.below(max(marks, 0) + 1)
        let local = day * 86_400 + Int64(minute) * 60
        return local - data.offset(business: business, day: day)
    }

    // MARK: Chatwoot

    private func makeContacts(_ data: inout ClinicData, e164: [String?], _ rng: inout SplitMix64) {
        var contacts: [ChatwootContact] = []
        var usedPhones = Set<String>()
        let start = now - Self.historyDays * 86_400
        func created(near seconds: Int64, _ rng: inout SplitMix64) -> UInt32 {
            UInt32(min(max(seconds + Int64(rng.int(-30 * 86_400...60 * 86_400)), start), now - 120))
        }
        for (index, patient) in data.patients.enumerated() where patient.mergedAt == 0 {
            let roll = rng.unit()
            if let phone = e164[index], roll < 0.65, !usedPhones.contains(phone) {
                usedPhones.insert(phone)
                contacts.append(
                    ChatwootContact(
                        id: 0, patient: Int32(index), name: whatsappName(patient, &rng),
                        email: rng.chance(0.3) ? patient.email?.lowercased() : nil, phoneNumber: phone,
                        identifier: rng.chance(0.05) ? "cliniko-\(patient.id)" : nil, countryCode: "AU",
                        createdAt: created(near: Int64(patient.createdAt), &rng), lastActivityAt: 0,
                        hasClinikoAttribute: rng.chance(0.1)
                    )
                )
            } else if let email = patient.email, roll > 0.93 {
                contacts.append(
                    ChatwootContact(
                        id: 0, patient: Int32(index), name: patient.firstName, email: email.lowercased(),
                        phoneNumber: nil, identifier: nil, countryCode: "AU",
                        createdAt: created(near: Int64(patient.createdAt), &rng), lastActivityAt: 0,
                        hasClinikoAttribute: false
                    )
                )
            }
        }
        let strangers = max(contacts.count / 5, 1)
        for stranger in 0..<strangers {
            let anonymous = rng.chance(0.1)
            let number = PhoneFactory.foreign(stranger, rng: &rng)
            let phone = anonymous ? nil : number.e164.flatMap { usedPhones.insert($0).inserted ? $0 : nil }
            contacts.append(
                ChatwootContact(
                    id: 0, patient: -1,
                    name: anonymous
                        ? "Website visitor" : "\(rng.pick(Catalog.firstNames))\(rng.pick(Catalog.nicknames))",
                    email: anonymous || phone != nil ? nil : "visitor\(stranger)@example.com", phoneNumber: phone,
                    identifier: nil, countryCode: rng.pick(["AU", "NZ", "GB", "US"]),
                    createdAt: UInt32(start + Int64(rng.below(Int(now - start - 3600)))), lastActivityAt: 0,
                    hasClinikoAttribute: false
                )
            )
        }
        contacts.sort { ($0.createdAt, $0.patient) < ($1.createdAt, $1.patient) }
        for index in contacts.indices { contacts[index].id = Int32(index + 1) }
        data.contacts = contacts
    }

    func whatsappName(_ patient: Patient, _ rng: inout SplitMix64) -> String {
        switch rng.below(5) {
        case 0: "\(patient.firstName) \(rng.pick(Catalog.nicknames))".trimmingCharacters(in: .whitespaces)
        case 1: "\(patient.firstName.prefix(1)). \(patient.lastName)"
        case 2: patient.firstName
        default: "\(patient.firstName) \(patient.lastName)"
        }
    }

    private func makeConversations(_ data: inout ClinicData, _ rng: inout SplitMix64) {
        var conversations: [ChatwootConversation] = []
        for (contactIndex, contact) in data.contacts.enumerated() {
            let count = 1 + rng.weighted([45, 25, 15, 10, 5])
            var at = Int64(contact.createdAt)
            for number in 0..<count {
                guard at < now - 600 else { break }
                let isLast = number == count - 1
                var conversation = Self.makeConversation(
                    contact: Int32(contactIndex), startingAt: at, isLatest: isLast, isWeb: contact.phoneNumber == nil,
                    now: now, &rng
                )
                conversation.displayID = 0
                at = Int64(conversation.lastActivityAt) + Int64(rng.int(86_400...86_400 * 120))
                conversations.append(conversation)
            }
        }
        conversations.sort { ($0.createdAt, $0.contact) < ($1.createdAt, $1.contact) }
        for index in conversations.indices {
            conversations[index].displayID = Int32(index + 1)
            for message in conversations[index].messages.indices {
                conversations[index].messages[message].id = data.nextMessageID
                data.nextMessageID += 1
            }
            let contact = Int(conversations[index].contact)
            data.contacts[contact].lastActivityAt = max(
                data.contacts[contact].lastActivityAt, conversations[index].lastActivityAt
            )
        }
        data.conversations = conversations
    }

    /// A conversation whose messages start at `startingAt`, never later than `now`.
    static func makeConversation(
        contact: Int32, startingAt: Int64, isLatest: Bool, isWeb: Bool, now: Int64, _ rng: inout SplitMix64
    ) -> ChatwootConversation {
        let status: UInt8 = isLatest ? UInt8(rng.weighted([22, 60, 10, 8])) : (rng.chance(0.9) ? 1 : 0)
        let channel: UInt8 = isWeb ? 1 : UInt8(rng.weighted([70, 0, 10, 5]))
        var messages: [ChatwootMessage] = []
        let count = rng.int(2...40)
        var at = startingAt
        for index in 0..<count {
            guard at <= now else { break }
            let type: UInt8 = index == 0 ? 0 : UInt8(rng.weighted([48, 45, 5, 2]))
            messages.append(
                ChatwootMessage(
                    id: 0, messageType: type, isPrivate: type == 1 && rng.chance(0.03),
                    status: rng.chance(0.01) ? 3 : UInt8(rng.below(3)), content: UInt16(rng.below(1000)),
                    createdAt: UInt32(at)
                )
            )
            at += Int64(rng.int(120...8 * 3600))
        }
        return ChatwootConversation(
            displayID: 0, contact: contact, status: status, channel: channel,
            labels: UInt8(rng.below(32)) & (rng.chance(0.5) ? 0b11 : 0b11111), createdAt: UInt32(startingAt),
            lastActivityAt: messages.last?.createdAt ?? UInt32(startingAt), messages: messages
        )
    }

    func nextID(_ data: inout ClinicData, _ kind: Int, _ createdAt: UInt32) -> Int64 {
        defer { data.serials[kind] += 1 }
        return ClinikoID.make(createdAt: createdAt, kind: kind, organization: profile.index, serial: data.serials[kind])
    }
}
