/// Encodes Cliniko records exactly as the fact sheet describes them: string ids, `Z` timestamps without
/// fractions, link objects instead of foreign keys, decimals as strings.
struct ClinikoEncoder {
    /// `http://host/cliniko/{shard}/v1`
    let base: String
    let data: ClinicData
    let profile: OrganizationProfile
    /// `https://{slug}.{shard}.cliniko.com/connect/`, the prefix of every `telehealth_url`.
    let telehealthBase: String

    init(base: String, data: ClinicData, profile: OrganizationProfile) {
        self.base = base
        self.data = data
        self.profile = profile
        telehealthBase = "https://\(profile.slug).\(profile.shard).cliniko.com/connect/"
    }

    func encode(_ resource: ClinikoResource, row: Int, into w: inout JSONWriter) {
        switch resource {
        case .patients: patient(row, &w)
        case .individualAppointments: appointment(row, &w)
        case .appointmentTypes: appointmentType(row, &w)
        case .practitioners, .inactivePractitioners: practitioner(row, &w)
        case .businesses: business(row, &w)
        }
    }

    func patient(_ row: Int, _ w: inout JSONWriter) {
        let p = data.patients[row]
        let place = Catalog.cities[Int(p.city)]
        w.beginObject()
        w.field("id", id: p.id)
        w.field("accepted_email_marketing", p.email != nil && p.revision % 2 == 0)
        w.key("accepted_privacy_policy")
        p.isOnlineBooking ? w.bool(true) : w.null()
        w.field("accepted_sms_marketing", p.phone1 != nil)
        w.field("address_1", p.revision % 3 == 0 ? nil : "\(1 + Int(p.id % 180)) Example Street")
        w.nullField("address_2")
        w.nullField("address_3")
        w.nullField("appointment_notes")
        w.field("archived_at", timestamp: p.archivedAt)
        w.field("city", place.city)
        w.field("country", "Australia")
        w.field("country_code", "AU")
        w.field("created_at", timestamp: p.createdAt)
        w.nullField("custom_fields")
        w.field("date_of_birth", date: p.dateOfBirth)
        w.field("deleted_at", timestamp: p.deletedAt)
        w.nullField("dva_card_number")
        w.field("email", p.email)
        w.nullField("emergency_contact")
        w.field("first_name", p.firstName)
        w.nullField("gender")
        w.field("gender_identity", p.sex == 0 ? nil : ["Woman", "Man", "Non-binary"][Int(p.sex - 1)])
        w.nullField("invoice_default_to")
        w.nullField("invoice_email")
        w.nullField("invoice_extra_information")
        w.field("label", p.title.map { "\($0) \(p.firstName) \(p.lastName)" } ?? "\(p.firstName) \(p.lastName)")
        w.field("last_name", p.lastName)
        w.nullField("medicare")
        w.nullField("medicare_reference_number")
        w.field("merged_at", timestamp: p.mergedAt)
        if p.mergedInto >= 0 {
            w.key("merged_with_patient")
            w.link(base, "/patients/", id: data.patients[Int(p.mergedInto)].id)
        }
        w.field("notes", p.revision == 0 ? nil : "Updated details (revision \(p.revision))")
        w.nullField("occupation")
        w.nullField("old_reference_id")
        w.key("patient_phone_numbers")
        w.beginArray()
        if let phone = p.phone1 {
            w.element()
            phoneEntry(phone, p.phoneType1, &w)
        }
        if let phone = p.phone2 {
            w.element()
            phoneEntry(phone, p.phoneType2, &w)
        }
        w.endArray()
        w.field("post_code", place.postCode)
        w.field("preferred_first_name", p.preferredFirstName)
        w.nullField("pronouns")
        w.field("receives_confirmation_emails", p.email != nil)
        w.nullField("referral_source")
        w.field("reminder_type", p.email == nil ? "SMS" : "SMS & Email")
        w.field("sex", p.sex == 0 ? nil : ["Female", "Male", "Other"][Int(p.sex - 1)])
        w.field("state", place.state)
        w.nullField("time_zone")
        w.field("title", p.title)
        w.field("updated_at", timestamp: p.updatedAt)
        w.key("appointments")
        w.link(base, "/patients/", id: p.id, "/appointments")
        w.key("concession_type")
        w.link(base, "/patients/", id: p.id, "/concession_type")
        w.key("invoices")
        w.link(base, "/patients/", id: p.id, "/invoices")
        w.key("medical_alerts")
        w.link(base, "/patients/", id: p.id, "/medical_alerts")
        w.key("referring_doctor")
        w.link(base, "/patients/", id: p.id, "/referring_doctor")
        w.field("links", raw: "{\"self\":")
        w.url(base, "/patients/", id: p.id)
        w.raw("}")
        w.endObject()
    }

    private func phoneEntry(_ number: String, _ type: UInt8, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("number", number)
        w.field("phone_type", raw: "\"")
        w.raw((PhoneType(rawValue: type) ?? .other).label)
        w.raw("\"")
        w.endObject()
    }

    func appointment(_ row: Int, _ w: inout JSONWriter) {
        let a = data.appointments[row]
        let patient = data.patients[Int(a.patient)]
        let type = data.appointmentTypes[Int(a.appointmentType)]
        w.beginObject()
        w.field("id", id: a.id)
        w.field("archived_at", timestamp: a.archivedAt)
        w.field("booking_ip_address", a.flags.contains(.onlineBooking) ? "203.0.113.\(a.id % 250 + 1)" : nil)
        w.field("cancellation_note", a.cancellationReason == 50 ? "Called to cancel" : nil)
        w.key("cancellation_reason")
        a.cancellationReason == 0 ? w.null() : w.int(Int(a.cancellationReason))
        w.field(
            "cancellation_reason_description",
            Catalog.cancellationReasons.first { $0.code == a.cancellationReason }?.text)
        w.field("cancelled_at", timestamp: a.cancelledAt)
        w.field("created_at", timestamp: a.createdAt)
        w.field("deleted_at", timestamp: a.deletedAt)
        w.field("did_not_arrive", a.flags.contains(.didNotArrive))
        w.field("email_reminder_sent", patient.email != nil && a.flags.contains(.smsReminderSent))
        w.field("ends_at", timestamp: a.endsAt)
        w.field("has_patient_appointment_notes", false)
        w.key("invoice_status")
        a.flags.contains(.arrived) ? w.int(3) : w.null()
        w.field("notes", a.revision == 0 ? nil : "Moved at patient's request (\(a.revision))")
        w.key("online_booking_policy_accepted")
        a.flags.contains(.onlineBooking) ? w.bool(true) : w.null()
        w.field("patient_arrived", a.flags.contains(.arrived))
        w.key("patient_name")
        w.joined(patient.firstName, patient.lastName)
        w.key("repeat_rule")
        if a.flags.contains(.repeating) {
            w.raw("{\"repeat_type\":\"Weekly\",\"number_of_repeats\":5,\"repeating_interval\":1}")
        } else {
            w.raw("{}")
        }
        w.field("sms_reminder_sent", a.flags.contains(.smsReminderSent))
        w.field("starts_at", timestamp: a.startsAt)
        w.key("telehealth_url")
        w.url(telehealthBase, "", id: a.id)
        w.key("treatment_note_status")
        a.flags.contains(.arrived) ? w.int(a.revision % 2 == 0 ? 2 : 1) : w.null()
        w.field("updated_at", timestamp: a.updatedAt)
        w.key("appointment_type")
        w.link(base, "/appointment_types/", id: type.id)
        w.key("attendees")
        w.link(base, "/individual_appointments/", id: a.id, "/attendees")
        w.key("business")
        w.link(base, "/businesses/", id: data.businesses[Int(a.business)].id)
        w.key("conflicts")
        w.link(base, "/individual_appointments/", id: a.id, "/conflicts")
        w.key("patient")
        w.link(base, "/patients/", id: patient.id)
        w.nullField("patient_case")
        w.key("practitioner")
        w.link(base, "/practitioners/", id: data.practitioners[Int(a.practitioner)].id)
        w.key("repeated_from")
        if a.repeatedFrom >= 0, Int(a.repeatedFrom) != row {
            w.link(base, "/individual_appointments/", id: data.appointments[Int(a.repeatedFrom)].id)
        } else {
            w.null()
        }
        w.key("repeats")
        w.link(base, "/individual_appointments?q%5B%5D=repeated_from_id%3A%3D", id: a.id)
        w.field("links", raw: "{\"self\":")
        w.url(base, "/individual_appointments/", id: a.id)
        w.raw("}")
        w.endObject()
    }

    func appointmentType(_ row: Int, _ w: inout JSONWriter) {
        let t = data.appointmentTypes[row]
        let own = "\(base)/appointment_types/\(t.id)"
        w.beginObject()
        w.field("id", id: t.id)
        w.field("add_deposit_to_account_credit", false)
        w.field("appointment_confirmation_template_ids", raw: "[]")
        w.field("appointment_reminder_template_ids", raw: "[]")
        w.field("archived_at", timestamp: t.archivedAt)
        w.field("category", t.category)
        w.field("color", t.color)
        w.field("created_at", timestamp: t.createdAt)
        w.field("deposit_price", t.depositPrice)
        w.field("description", nil)
        w.field("duration_in_minutes", int: t.durationInMinutes)
        w.field("max_attendees", int: t.maxAttendees)
        w.field("name", t.name)
        w.field("online_bookings_lead_time_hours", int: 2)
        w.field("online_payments_enabled", t.depositPrice != "0.0")
        w.field("online_payments_mode", t.depositPrice != "0.0" ? "deposit_required" : "optional")
        w.field("show_in_online_bookings", t.showInOnlineBookings)
        w.field("telehealth_enabled", t.isTelehealth)
        w.field("updated_at", timestamp: t.updatedAt)
        w.key("appointment_type_billable_items")
        w.link(own, "/appointment_type_billable_items")
        w.key("appointment_type_products")
        w.link(own, "/appointment_type_products")
        w.nullField("billable_item")
        w.key("practitioners")
        w.link("\(base)/practitioners", "?q%5B%5D=appointment_type_id%3A%3D\(t.id)")
        w.nullField("product")
        w.nullField("treatment_note_template")
        w.field("links", raw: "{\"self\":")
        w.string(own)
        w.raw("}")
        w.endObject()
    }

    func practitioner(_ row: Int, _ w: inout JSONWriter) {
        let p = data.practitioners[row]
        let own = "\(base)/practitioners/\(p.id)"
        w.beginObject()
        w.field("id", id: p.id)
        w.field("active", p.isActive)
        w.field("created_at", timestamp: p.createdAt)
        w.field("description", nil)
        w.field("designation", p.designation)
        w.field("first_name", p.firstName)
        w.field("label", p.title.map { "\($0) \(p.firstName) \(p.lastName)" } ?? "\(p.firstName) \(p.lastName)")
        w.field("last_name", p.lastName)
        w.field("show_in_online_bookings", p.isActive)
        w.field("title", p.title)
        w.field("updated_at", timestamp: p.updatedAt)
        w.key("appointments")
        w.link(own, "/appointments")
        w.key("default_appointment_type")
        w.link("\(base)/appointment_types", id: data.appointmentTypes[1].id)
        w.key("invoices")
        w.link(own, "/invoices")
        w.key("practitioner_reference_numbers")
        w.link(own, "/practitioner_reference_numbers")
        w.key("user")
        w.link("\(base)/users", id: p.userID)
        w.field("links", raw: "{\"self\":")
        w.string(own)
        w.raw("}")
        w.endObject()
    }

    func business(_ row: Int, _ w: inout JSONWriter) {
        let b = data.businesses[row]
        let own = "\(base)/businesses/\(b.id)"
        w.beginObject()
        w.field("id", id: b.id)
        w.field("address_1", "\(10 + row) Clinic Lane")
        w.nullField("address_2")
        w.nullField("archived_at")
        w.field("business_name", b.name)
        w.field("business_registration_name", "ABN")
        w.field("business_registration_value", "00 000 000 0\(row)0")
        w.field("city", b.city)
        w.field("contact_information", "(02) 5550 0\(100 + row)")
        w.field("country", b.timeZoneIdentifier.hasPrefix("Australia") ? "Australia" : "Overseas")
        w.key("country_code")
        w.string(
            b.timeZoneIdentifier.hasPrefix("Pacific") ? "NZ" : (b.timeZoneIdentifier.hasPrefix("Europe") ? "GB" : "AU"))
        w.field("created_at", timestamp: b.createdAt)
        w.field("display_name", b.name)
        w.field("email_reply_to", "reception@\(profile.slug).example.com")
        w.field("post_code", b.postCode)
        w.field("show_in_online_bookings", true)
        w.field("state", b.state)
        w.field("time_zone", b.timeZoneLabel)
        w.field("time_zone_identifier", b.timeZoneIdentifier)
        w.field("updated_at", timestamp: b.updatedAt)
        w.field("website_address", "https://\(profile.slug).example.com")
        w.key("appointments")
        w.link(own, "/appointments")
        w.key("practitioners")
        w.link(own, "/practitioners")
        w.field("links", raw: "{\"self\":")
        w.string(own)
        w.raw("}")
        w.endObject()
    }

    /// `GET /user`: the key's owner.
    func user(_ w: inout JSONWriter) {
        let id = ClinikoID.make(
            createdAt: profile.createdAt, kind: ClinikoID.user, organization: profile.index, serial: 0)
        w.beginObject()
        w.field("id", id: id)
        w.field("active", true)
        w.field("created_at", timestamp: profile.createdAt)
        w.field("email", "owner@\(profile.slug).example.com")
        w.field("first_name", "Practice")
        w.field("last_name", "Owner")
        w.field("role", "Administrator")
        w.field("time_zone", profile.timeZoneLabel)
        w.field("updated_at", timestamp: profile.createdAt)
        w.field("links", raw: "{\"self\":")
        w.string("\(base)/users/\(id)")
        w.raw("}")
        w.endObject()
    }
}
