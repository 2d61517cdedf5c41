/// Time travel: one simulated day of realistic change.
extension ClinicGenerator {
    /// Counters of events applied while advancing (scanned counts are added by the caller).
    struct DayEvents {
        var rescheduled = 0
        var cancelled = 0
        var attended = 0
        var didNotArrive = 0
    }

    /// Applies the day `[dayStart, dayStart + 86,400)` to `data`. Deterministic per organization and day.
    func advanceDay(_ data: inout ClinicData, dayStart: Int64, events: inout DayEvents) {
        let dayEnd = dayStart + 86_400
        var rng = SplitMix64(seed: seed, 0xADAD, UInt64(profile.index), UInt64(dayStart / 86_400))
        func moment(_ rng: inout SplitMix64) -> Int64 { dayStart + 1 + Int64(rng.below(86_400 - 2)) }
        var newAppointments: [Appointment] = []

        // Upcoming appointments whose start falls in the day get their outcome; future ones may move or cancel.
        for index in data.appointments.indices {
            var row = data.appointments[index]
            guard row.cancelledAt == 0, row.archivedAt == 0, row.flags.isDisjoint(with: [.arrived, .didNotArrive])
            else { continue }
            let starts = Int64(row.startsAt)
            if starts > dayStart, starts <= dayEnd {
                let roll = rng.unit()
                if roll < 0.08, starts - 1 > dayStart + 1 {
                    row.cancelledAt = UInt32(max(dayStart + 1, starts - Int64(rng.below(20 * 3600))))
                    row.cancelledAt = min(row.cancelledAt, UInt32(starts - 1))
                    row.cancellationReason =
                        Catalog.cancellationReasons[
                            rng.weighted(Catalog.cancellationReasons.map(\.share))
                        ].code
                    row.updatedAt = row.cancelledAt
                    events.cancelled += 1
                } else if roll < 0.12 {
                    row.flags.insert(.didNotArrive)
                    row.updatedAt = UInt32(min(Int64(row.endsAt) + 600, dayEnd - 1))
                    events.didNotArrive += 1
                } else {
                    row.flags.insert([.arrived, .smsReminderSent])
                    row.updatedAt = UInt32(min(starts + Int64(rng.below(900)), dayEnd - 1))
                    events.attended += 1
                    if rng.chance(0.55) {
                        var day =
                            (Int64(row.endsAt) + data.offset(business: Int(row.business), day: starts / 86_400))
                            / 86_400 + Int64(rng.int(7...28))
                        let minutes = Catalog.appointmentTypes[1].minutes
                        let next = slot(data, business: Int(row.business), day: &day, minutes: minutes, &rng)
                        let booked = min(Int64(row.endsAt) + Int64(rng.int(60...1800)), dayEnd - 1)
                        newAppointments.append(
                            makeBooking(
                                patient: row.patient, practitioner: row.practitioner, business: row.business,
                                type: 1, startsAt: next, bookedAt: booked)
                        )
                    }
                }
                row.revision &+= 1
                data.appointments[index] = row
            } else if starts > dayEnd + 86_400 {
                let roll = rng.unit()
                if roll < 0.003 {
                    row.cancelledAt = UInt32(moment(&rng))
                    row.cancellationReason = 40
                    row.updatedAt = row.cancelledAt
                    events.cancelled += 1
                } else if roll < 0.008 {
                    var day =
                        (starts + data.offset(business: Int(row.business), day: starts / 86_400)) / 86_400
                        + Int64(rng.int(-1...3))
                    let minutes = Int(row.endsAt - row.startsAt) / 60
                    let moved = slot(data, business: Int(row.business), day: &day, minutes: minutes, &rng)
                    guard moved > dayEnd else { continue }
                    row.startsAt = UInt32(moved)
                    row.endsAt = UInt32(moved + Int64(minutes) * 60)
                    row.updatedAt = UInt32(moment(&rng))
                    events.rescheduled += 1
                } else {
                    continue
                }
                row.revision &+= 1
                data.appointments[index] = row
            }
        }

        // New patients, each with an initial booking.
        let newPatients = max(1, data.patients.count / 400 + rng.below(3))
        var e164: [String?] = []
        let createdTimes = (0..<newPatients).map { _ in UInt32(moment(&rng)) }.sorted()
        for createdAt in createdTimes {
            let index = data.patients.count
            var patient = freshPatient(
                index: index, createdAt: createdAt, slot: (index * 7919 + 17) % 10_000,
                e164: &e164, &rng)
            patient.updatedAt = createdAt
            patient.archivedAt = 0
            patient.revision = 0
            patient.id = nextID(&data, ClinikoID.patient, createdAt)
            data.patients.append(patient)
            let practitioners = data.practitioners.indices.filter { data.practitioners[$0].isActive }
            let practitioner = UInt8(practitioners.isEmpty ? 0 : rng.pick(practitioners))
            let business = data.practitioners[Int(practitioner)].business
            var day =
                (Int64(createdAt) + data.offset(business: Int(business), day: Int64(createdAt) / 86_400)) / 86_400
                + Int64(rng.int(1...14))
            let starts = slot(data, business: Int(business), day: &day, minutes: 60, &rng)
            newAppointments.append(
                makeBooking(
                    patient: Int32(index), practitioner: practitioner, business: business, type: 0,
                    startsAt: starts, bookedAt: Int64(createdAt) + Int64(rng.below(600)))
            )
            if let phone = e164.last ?? nil, rng.chance(0.65),
                !data.contacts.contains(where: { $0.phoneNumber == phone })
            {
                let contactCreated = UInt32(min(Int64(createdAt) + Int64(rng.below(3600)), dayEnd - 1))
                data.contacts.append(
                    ChatwootContact(
                        id: Int32(data.contacts.count + 1), patient: Int32(index), name: whatsappName(patient, &rng),
                        email: nil, phoneNumber: phone, identifier: nil, countryCode: "AU", createdAt: contactCreated,
                        lastActivityAt: contactCreated, hasClinikoAttribute: false
                    )
                )
            }
        }

        // A few archivals of existing patients.
        for _ in 0..<max(1, data.patients.count / 2000) {
            let index = rng.below(data.patients.count)
            guard data.patients[index].archivedAt == 0, Int64(data.patients[index].createdAt) < dayStart else {
                continue
            }
            let at = UInt32(moment(&rng))
            data.patients[index].archivedAt = at
            data.patients[index].updatedAt = at
            data.patients[index].revision &+= 1
        }
        // Some profile edits.
        for _ in 0..<max(1, data.patients.count / 500) {
            let index = rng.below(data.patients.count)
            guard Int64(data.patients[index].createdAt) < dayStart, data.patients[index].mergedAt == 0 else { continue }
            data.patients[index].updatedAt = UInt32(moment(&rng))
            data.patients[index].revision &+= 1
        }

        newAppointments.sort { $0.createdAt < $1.createdAt }
        for var row in newAppointments where Int64(row.createdAt) < dayEnd && row.startsAt > row.createdAt {
            row.id = nextID(&data, ClinikoID.appointment, row.createdAt)
            data.appointments.append(row)
        }

        advanceChatwoot(&data, dayStart: dayStart, &rng)
    }

    private func makeBooking(
        patient: Int32, practitioner: UInt8, business: UInt8, type: Int, startsAt: Int64, bookedAt: Int64
    ) -> Appointment {
        Appointment(
            id: 0, patient: patient, repeatedFrom: -1, startsAt: UInt32(startsAt),
            endsAt: UInt32(startsAt + Int64(Catalog.appointmentTypes[type].minutes) * 60), createdAt: UInt32(bookedAt),
            updatedAt: UInt32(bookedAt), cancelledAt: 0, archivedAt: 0, deletedAt: 0, practitioner: practitioner,
            appointmentType: UInt8(type), business: business, cancellationReason: 0, flags: [], revision: 0
        )
    }

    private func advanceChatwoot(_ data: inout ClinicData, dayStart: Int64, _ rng: inout SplitMix64) {
        let dayEnd = dayStart + 86_400
        guard !data.contacts.isEmpty else { return }
        // New conversations.
        var fresh: [ChatwootConversation] = []
        for _ in 0..<max(1, data.contacts.count / 150) {
            let contact = rng.below(data.contacts.count)
            let start = max(dayStart + 1 + Int64(rng.below(80_000)), Int64(data.contacts[contact].createdAt) + 1)
            guard start < dayEnd - 600 else { continue }
            var conversation = Self.makeConversation(
                contact: Int32(contact), startingAt: start, isLatest: true,
                isWeb: data.contacts[contact].phoneNumber == nil, now: dayEnd - 1, &rng
            )
            if conversation.messages.isEmpty { continue }
            conversation.status = 0
            fresh.append(conversation)
        }
        fresh.sort { $0.createdAt < $1.createdAt }
        // Replies in a few open conversations.
        for index in data.conversations.indices where data.conversations[index].status == 0 && rng.chance(0.2) {
            var at = max(Int64(data.conversations[index].lastActivityAt), dayStart) + Int64(rng.int(120...20_000))
            for _ in 0..<rng.int(1...4) {
                guard at < dayEnd else { break }
                data.conversations[index].messages.append(
                    ChatwootMessage(
                        id: data.nextMessageID, messageType: UInt8(rng.below(2)), isPrivate: false,
                        status: 1, content: UInt16(rng.below(1000)), createdAt: UInt32(at))
                )
                data.nextMessageID += 1
                data.conversations[index].lastActivityAt = UInt32(at)
                at += Int64(rng.int(120...8 * 3600))
            }
            if rng.chance(0.4) { data.conversations[index].status = 1 }
        }
        for var conversation in fresh {
            conversation.displayID = Int32(data.conversations.count + 1)
            for message in conversation.messages.indices {
                conversation.messages[message].id = data.nextMessageID
                data.nextMessageID += 1
            }
            data.conversations.append(conversation)
        }
        for conversation in data.conversations where Int64(conversation.lastActivityAt) >= dayStart {
            let contact = Int(conversation.contact)
            data.contacts[contact].lastActivityAt = max(
                data.contacts[contact].lastActivityAt, conversation.lastActivityAt)
        }
    }
}
