import Extract
import Foundation
import Pipeline
import Sandbox
import Testing

/// Integration tests over real loopback HTTP against the in-process sandbox (`Sources/Sandbox`).
@Suite struct SandboxExtractTests {
    /// Fetches every resource of every source and compares ids (and cursor fields) with `/_sandbox/truth`.
    static func expectExactExtract(_ harness: SandboxHarness, metrics: ExtractMetrics = ExtractMetrics()) async throws {
        let cliniko = try harness.cliniko(metrics: metrics)
        let patients = try await collect(cliniko.patients(since: nil), id: \.id)
        let truePatients = try await harness.truth("patients").filter { $0["deleted_at"] is NSNull }
        #expect(patients.duplicates.isEmpty)
        #expect(patients.rejections == 0)
        #expect(Set(patients.records.map(\.id)) == Set(truePatients.map(truthID)))
        #expect(patients.records.count == truePatients.count)
        let updated = Dictionary(uniqueKeysWithValues: truePatients.map { (truthID($0), $0["updated_at"] as? String) })
        #expect(patients.records.allSatisfy { truthDate(updated[$0.id] ?? nil) == $0.updatedAt })

        let appointments = try await collect(cliniko.appointments(since: nil), id: \.id)
        let trueAppointments = try await harness.truth("individual_appointments")
        #expect(appointments.duplicates.isEmpty)
        #expect(appointments.records.count == trueAppointments.count)
        #expect(Set(appointments.records.map(\.id)) == Set(trueAppointments.map(truthID)))
        #expect(appointments.records.contains { $0.cancelledAt != nil })
        #expect(appointments.records.contains { $0.archivedAt != nil })

        for (resource, records) in [
            ("appointment_types", try await collect(cliniko.appointmentTypes(since: nil), id: \.id).records.map(\.id)),
            ("practitioners", try await collect(cliniko.practitioners(since: nil), id: \.id).records.map(\.id)),
            ("businesses", try await collect(cliniko.businesses(since: nil), id: \.id).records.map(\.id)),
        ] {
            let truth = try await harness.truth(resource).map(truthID)
            #expect(records.sorted() == truth.sorted(), "\(resource)")
        }

        let chatwoot = try harness.chatwoot(metrics: metrics)
        let contacts = try await collect(chatwoot.contacts(since: nil), id: \.id)
        let trueContacts = try await harness.truth("contacts").filter { contact in
            ["email", "phone_number", "identifier"].contains { (contact[$0] as? String).map { !$0.isEmpty } ?? false }
        }
        #expect(contacts.duplicates.isEmpty)
        #expect(contacts.records.map(\.id).sorted() == trueContacts.map(truthID).sorted())
        let conversations = try await collect(chatwoot.conversations(since: nil), id: \.id)
        #expect(conversations.duplicates.isEmpty)
        #expect(
            conversations.records.map(\.id).sorted()
                == (try await harness.truth("conversations")).map(truthID).sorted())
        let messages = try await collect(chatwoot.messages(since: nil), id: \.id)
        #expect(messages.duplicates.isEmpty)
        #expect(messages.records.map(\.id).sorted() == (try await harness.truth("messages")).map(truthID).sorted())
        #expect(messages.records.allSatisfy { $0.content == nil })

        let clerk = try harness.clerk(metrics: metrics)
        for (resource, records) in [
            ("organizations", try await collect(clerk.organizations(), id: \.id).records.map(\.id)),
            ("users", try await collect(clerk.users(since: nil), id: \.id).records.map(\.id)),
            ("memberships", try await collect(clerk.memberships(), id: \.id).records.map(\.id)),
        ] {
            let truth = try await harness.truth(resource, clerk: true).map(truthID)
            #expect(records.sorted() == truth.sorted(), "\(resource)")
            #expect(Set(records).count == records.count, "\(resource)")
        }
    }

    @Test func aFullExtractReturnsEveryRecordExactlyOnce() async throws {
        try await SandboxHarness.with { harness in
            let metrics = ExtractMetrics()
            try await Self.expectExactExtract(harness, metrics: metrics)
            let snapshot = metrics.snapshot()
            #expect(snapshot.retries == 0)
            #expect(snapshot.errors == 0)
            #expect(snapshot.pages > 0 && snapshot.requests >= snapshot.pages)
        }
    }

    @Test func faultsStillGiveTheSameRecords() async throws {
        // Injected 429s announce a 1 s reset here (the real windows, 60 s and 10 s, would make the test crawl);
        // the client must wait exactly as announced.
        try await SandboxHarness.with(injectedRateLimitResetSeconds: 1) { harness in
            // The issue's mix: 5 % 429, 5 % 5xx, 2 % resets, 1 % truncated bodies; plus repeated and changed records.
            try await harness.setFaults(
                "seed:5,429:0.05:1,500:0.03,502:0.02,reset:0.02,truncate:0.01,duplicate:0.05,change:0.05")
            let metrics = ExtractMetrics()
            try await Self.expectExactExtract(harness, metrics: metrics)
            try await harness.setFaults("seed:9,api:chatwoot,429:0.05:2,503:0.05,reset:0.02,truncate:0.01")
            try await Self.expectExactExtract(harness, metrics: metrics)
            let snapshot = metrics.snapshot()
            #expect(snapshot.retries > 0)
            #expect(snapshot.errorsByKind["server_error", default: 0] > 0)
            #expect(
                snapshot.errorsByKind["invalid_body", default: 0] + snapshot.errorsByKind["transport", default: 0] > 0)
            #expect(snapshot.rateLimitedResponses > 0)
        }
    }

    @Test func a429WaitsForTheResetTheAPIAnnounces() async throws {
        // Two requests per 4 s for five pages: the third request meets a 429 unless the first two took 4 s, which
        // even a starved test process does not (a looser limit let a slow run finish without ever meeting one).
        let limits = RateLimits(cliniko: .init(requests: 2, seconds: 4), chatwoot: nil, clerk: nil)
        try await SandboxHarness.with(patients: 100, rateLimits: limits) { harness in
            let metrics = ExtractMetrics()
            let cliniko = try harness.cliniko(perPage: 20, metrics: metrics)
            let patients = try await collect(cliniko.patients(since: nil), id: \.id)
            let truth = try await harness.truth("patients").filter { $0["deleted_at"] is NSNull }
            #expect(patients.records.map(\.id).sorted() == truth.map(truthID).sorted())
            let snapshot = metrics.snapshot()
            #expect(snapshot.rateLimitedResponses > 0)
            #expect(snapshot.rateLimitWaitMilliseconds > 0)
            #expect(snapshot.errorsByKind["server_error"] == nil)
        }
    }

    @Test func theRequestBudgetAvoids429s() async throws {
        // Seven pages against a budget of three per 4 s: the fourth request waits unless the first three took 4 s.
        let limits = RateLimits(cliniko: .init(requests: 4, seconds: 4), chatwoot: nil, clerk: nil)
        try await SandboxHarness.with(patients: 120, rateLimits: limits) { harness in
            let metrics = ExtractMetrics()
            let budget = RequestBudget(limit: 3, per: .seconds(4))  // a margin under the server's 4, as in production
            let cliniko = try harness.cliniko(perPage: 20, budget: budget, metrics: metrics)
            let patients = try await collect(cliniko.patients(since: nil), id: \.id)
            #expect(patients.records.count > 100)
            let snapshot = metrics.snapshot()
            #expect(snapshot.rateLimitedResponses == 0)
            #expect(snapshot.budgetWaitMilliseconds > 0)
            let statuses = try await harness.stats()["statuses"] as? [String: Int]
            #expect(statuses?["429"] == nil)
        }
    }

    @Test func anIncrementalFetchReturnsExactlyTheChangedRecords() async throws {
        try await SandboxHarness.with(patients: 400) { harness in
            let cliniko = try harness.cliniko()
            var cursors: [String: Date] = [:]
            cursors["patients"] = try await collect(cliniko.patients(since: nil), id: \.id).highWaterMark
            cursors["individual_appointments"] =
                try await collect(cliniko.appointments(since: nil), id: \.id).highWaterMark
            _ = try await harness.control(.POST, "/advance", body: #"{"days": 1}"#)
            _ = try await harness.control(.DELETE, "/stats")

            let metrics = ExtractMetrics()
            let incremental = try harness.cliniko(metrics: metrics)
            var expectedPages = 0
            for resource in ["patients", "individual_appointments"] {
                let cursor = try #require(cursors[resource])
                let threshold = cursor.addingTimeInterval(-5 * 60)
                let fetched =
                    resource == "patients"
                    ? try await collect(incremental.patients(since: cursor), id: \.id).records.map(\.id)
                    : try await collect(incremental.appointments(since: cursor), id: \.id).records.map(\.id)
                let changed = try await harness.truth(resource).filter { record in
                    guard resource != "patients" || record["deleted_at"] is NSNull else { return false }
                    return truthDate(record["updated_at"] as? String).map { $0 >= threshold } ?? false
                }
                #expect(!changed.isEmpty)
                #expect(fetched.sorted() == changed.map(truthID).sorted(), "\(resource)")
                expectedPages += max(1, (changed.count + 99) / 100)
            }
            let stats = try await harness.stats()
            let requests = (stats["apis"] as? [String: Int])?["cliniko"] ?? 0
            #expect(requests <= expectedPages + 1)
            #expect(metrics.snapshot().requests == requests)
        }
    }

    @Test("a full message walk reads each conversation forwards, 100 messages a request, with no extra empty request")
    func aFullMessageWalkReadsForwards() async throws {
        try await SandboxHarness.with(patients: 400) { harness in
            let trueMessages = try await harness.truth("messages")
            let conversations = try await harness.truth("conversations").count
            var perConversation: [String: Int] = [:]
            for message in trueMessages {
                perConversation[truthID(["id": message["conversation_id"] as Any]), default: 0] += 1
            }
            #expect(conversations > 25 && !perConversation.isEmpty)
            _ = try await harness.control(.DELETE, "/stats")
            let chatwoot = try harness.chatwoot()
            let messages = try await collect(chatwoot.messages(since: nil), id: \.id)
            #expect(messages.duplicates.isEmpty)
            #expect(messages.records.map(\.id).sorted() == trueMessages.map(truthID).sorted())
            // One list request per 25 conversations; per conversation, one request per full page of 100 and the
            // short (or empty) last one, which also reached the newest message the list showed.
            let withoutMessages = conversations - perConversation.count
            let expected =
                (conversations + 24) / 25 + withoutMessages + perConversation.values.reduce(0) { $0 + $1 / 100 + 1 }
            let requests = (try await harness.stats()["apis"] as? [String: Int])?["chatwoot"] ?? 0
            #expect(requests == expected, "\(perConversation.count) conversations with messages")
        }
    }

    @Test func patientsDeletedWhileAFullWalkIsUnderWaySkipNoOtherPatient() async throws {
        try await SandboxHarness.with(patients: 400) { harness in
            try await harness.setFaults("api:cliniko,delete:%2")
            let fetched = try await collect(try harness.cliniko(perPage: 50).patients(since: nil), id: \.id)
            let truth = try await harness.truth("patients")
            let remaining = truth.filter { $0["deleted_at"] is NSNull }.map(truthID)
            let deletedDuringWalk = fetched.records.filter { record in !remaining.contains(record.id) }
            #expect(deletedDuringWalk.count >= 3, "the fault deleted patients between pages")
            #expect(fetched.duplicates.isEmpty)
            // Paging by page number would skip the patient that moves up after each deletion.
            #expect(Set(remaining).isSubset(of: Set(fetched.records.map(\.id))), "every patient that exists is read")
        }
    }

    @Test func clinikoPagesCarryTheTotalTheListAnnounces() async throws {
        try await SandboxHarness.with(patients: 250) { harness in
            let cliniko = try harness.cliniko(perPage: 40)
            var totals: [Int?] = []
            var records = 0
            for try await page in cliniko.patients(since: nil) {
                totals.append(page.expectedTotal)
                records += page.records.count
            }
            #expect(totals.count == (records + 39) / 40)
            #expect(totals.allSatisfy { $0 == records }, "\(totals) for \(records) patients")

            // Practitioners walk two lists; neither list's total is the resource's.
            for try await page in cliniko.practitioners(since: nil) { #expect(page.expectedTotal == nil) }
        }
    }

    @Test func wrongCredentialsFailClearlyWithoutRetries() async throws {
        try await SandboxHarness.with(patients: 20) { harness in
            let metrics = ExtractMetrics()
            let badKey = try harness.cliniko(
                apiKey: "MS0wrongkey-\(harness.organization.clinikoShard)", metrics: metrics)
            let error = try await #require(throws: ExtractError.self) {
                _ = try await collect(badKey.patients(since: nil), id: \.id)
            }
            #expect(error.code == .unauthorized)
            #expect(error.statusCode == 401)
            #expect(error.attempts == 1)
            #expect(error.description.contains("cliniko patients (organization \(harness.organization.id))"))
            #expect(!error.description.contains("wrongkey"))
            #expect(metrics.snapshot().requests == 1)

            let otherShard = harness.organization.clinikoShard == "uk1" ? "au3" : "uk1"
            let keyBody = harness.organization.clinikoAPIKey.split(separator: "-").dropLast().joined(separator: "-")
            let wrongShard = try harness.cliniko(apiKey: "\(keyBody)-\(otherShard)", shard: otherShard)
            let shardError = try await #require(throws: ExtractError.self) { try await wrongShard.checkConnection() }
            #expect(shardError.code == .unauthorized)
            #expect(shardError.description.contains("another shard than \(otherShard)"))

            let chatwoot = try harness.chatwoot(token: "nope")
            let chatwootError = try await #require(throws: ExtractError.self) {
                _ = try await collect(chatwoot.contacts(since: nil), id: \.id)
            }
            #expect(chatwootError.code == .unauthorized && chatwootError.attempts == 1)

            let clerk = try harness.clerk(secretKey: "sk_test_nope")
            let clerkError = try await #require(throws: ExtractError.self) {
                _ = try await collect(clerk.users(since: nil), id: \.id)
            }
            #expect(clerkError.code == .unauthorized && clerkError.attempts == 1)
            #expect(!clerkError.description.contains("sk_test_nope"))
        }
    }

    @Test func aMalformedKeyOrMissingEmailIsAConfigurationError() throws {
        let settings = HTTPSettings(contactEmail: nil)
        #expect(throws: ExtractError.self) {
            _ = try ClinikoSource(
                configuration: .init(apiKey: "abc-notashard", http: SandboxHarness.httpSettings()),
                httpClient: .sharedForExtract, metrics: ExtractMetrics(), logger: SandboxHarness.logger)
        }
        let error = #expect(throws: ExtractError.self) {
            _ = try ClinikoSource(
                configuration: .init(apiKey: "abc-au2", http: settings), httpClient: .sharedForExtract,
                metrics: ExtractMetrics(), logger: SandboxHarness.logger)
        }
        #expect(error?.code == .invalidConfiguration)
    }
}

/// Parses a truth timestamp.
func truthDate(_ text: String?) -> Date? {
    guard let text else { return nil }
    return ISO8601DateFormatter().date(from: text)
}
