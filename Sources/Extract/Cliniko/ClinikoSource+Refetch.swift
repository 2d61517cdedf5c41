public import Pipeline

extension ClinikoSource {
    /// Patients re-read one by one by id (`GET /patients/{id}`), for records an earlier run quarantined.
    ///
    /// - Parameter ids: Cliniko ids; anything that is not a decimal id is skipped.
    public func patients(ids: [String]) -> SourcePages<Patient> {
        refetcher("patients").pages(ClinikoPatientPayload.self, ids: ids)
    }

    /// Individual appointments re-read one by one by id (`GET /individual_appointments/{id}`).
    public func appointments(ids: [String]) -> SourcePages<Appointment> {
        refetcher("individual_appointments").pages(ClinikoAppointmentPayload.self, ids: ids)
    }

    /// Appointment types re-read one by one by id (`GET /appointment_types/{id}`).
    public func appointmentTypes(ids: [String]) -> SourcePages<AppointmentType> {
        refetcher("appointment_types").pages(ClinikoAppointmentTypePayload.self, ids: ids)
    }

    /// Practitioners re-read by id. Whether a practitioner is active shows only in which list holds it, so this
    /// walks both lists again (a clinic has a few dozen practitioners) and keeps the records of `ids`; an id neither
    /// list holds any more is reported gone.
    public func practitioners(ids: [String]) -> SourcePages<Practitioner> {
        let wanted = Set(ids)
        let lists = practitioners(since: nil)
        return SourcePages(initial: true) { _, pageNumber in
            guard !wanted.isEmpty else { return (nil, nil) }
            var page = SourcePage<Practitioner>(records: [], pageNumber: pageNumber)
            var seen = Set<String>()
            for try await listed in lists {
                for record in listed.records where wanted.contains(record.id) {
                    page.records.append(record)
                    seen.insert(record.id)
                }
                for rejection in listed.rejections where rejection.sourceID.map(wanted.contains) == true {
                    page.rejections.append(rejection)
                    seen.insert(rejection.sourceID ?? "")
                }
            }
            page.goneIDs = wanted.subtracting(seen).sorted()
            return (page, nil)
        }
    }

    /// Businesses re-read one by one by id (`GET /businesses/{id}`).
    public func businesses(ids: [String]) -> SourcePages<Business> {
        refetcher("businesses").pages(ClinikoBusinessPayload.self, ids: ids)
    }

    private func refetcher(_ resource: String) -> RecordRefetcher {
        let base = baseURL
        return RecordRefetcher(
            source: .cliniko, resource: resource, client: client, logger: logger,
            url: { URLQuery.url(base, "/\(resource)/\($0)", []) }, recordPath: [],
            isValidID: RecordRefetcher.isNumericID)
    }
}
