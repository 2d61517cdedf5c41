import Foundation
import Pipeline
import Testing

@testable import Extract

@Suite struct ChatwootDecodingTests {
    static func page<Payload: RecordPayload>(_ payload: Payload.Type, _ json: String) throws -> SourcePage<
        Payload.Record
    > {
        let scanner = JSONScanner(bytes: Array(json.utf8))
        let elements = try #require(try scanner.elements(of: scanner.rootValue()))
        return PageDecoder(source: .chatwoot, resource: "test").decode(
            Payload.self, elements: elements, in: scanner, pageNumber: 1)
    }

    @Test("timestamps outside the years 1 to 9999 are rejected, never turned into dates that trap later")
    func absurdTimestamps() throws {
        let page = try Self.page(
            ChatwootMessagePayload.self,
            #"""
            [{"id": 100, "conversation_id": 7, "message_type": 0, "created_at": 1e300},
               {"id": 101, "conversation_id": 7, "message_type": 0, "created_at": 99999999999999999},
               {"id": 102, "conversation_id": 7, "message_type": 0, "created_at": "99999999999999999"},
               {"id": 103, "conversation_id": 7, "message_type": 0, "created_at": "0000-01-01T00:00:00Z"},
               {"id": 104, "conversation_id": 7, "message_type": 0, "created_at": 1772359200}]
            """#)
        #expect(page.records.map(\.id) == ["104"])
        #expect(
            page.rejections.map(\.reason) == [
                "timestamp out of range in `created_at`", "timestamp out of range in `created_at`",
                "timestamp out of range in `created_at`", "invalid timestamp in `created_at`",
            ])
        #expect(page.highWaterMark == Date(timeIntervalSince1970: 1_772_359_200))
    }

    @Test func contactsUseUnixSecondsAndKeepTheClinikoAttribute() throws {
        let page = try Self.page(
            ChatwootContactPayload.self,
            #"""
            [{"id": 42, "name": "Jen 🌸", "email": null, "phone_number": "+61491570156", "identifier": "",
                "custom_attributes": {"cliniko_patient_id": "1390726237298631770"}, "created_at": 1772359200,
                "last_activity_at": null, "additional_attributes": {"country_code": "AU"}}]
            """#)
        let contact = try #require(page.records.first)
        #expect(contact.id == "42")
        #expect(contact.identifier == nil)
        #expect(contact.clinikoPatientID == "1390726237298631770")
        #expect(contact.createdAt == Date(timeIntervalSince1970: 1_772_359_200))
        #expect(page.highWaterMark == Date(timeIntervalSince1970: 1_772_359_200))
    }

    @Test func conversationsTakeTheContactFromMetaSender() throws {
        let page = try Self.page(
            ChatwootConversationPayload.self,
            #"""
            [{"id": 7, "inbox_id": 1, "status": "resolved", "labels": ["booking"], "created_at": 1772359200,
                "last_activity_at": 1772362800, "timestamp": 1772362800, "agent_last_seen_at": 0,
                "meta": {"sender": {"id": 42, "name": "Jen"}, "channel": "Channel::Whatsapp", "assignee": null}},
               {"id": 8, "status": "open", "created_at": 1772359200, "meta": {"assignee": null}}]
            """#)
        let conversation = try #require(page.records.first)
        #expect(conversation.id == "7")
        #expect(conversation.contactID == "42")
        #expect(conversation.channel == "Channel::Whatsapp")
        #expect(conversation.labels == ["booking"])
        #expect(conversation.inboxID == "1")
        #expect(conversation.lastActivityAt == Date(timeIntervalSince1970: 1_772_362_800))
        #expect(page.rejections.map(\.reason) == ["missing field `meta.sender`"])
        #expect(page.rejections.first?.sourceID == "8")
    }

    @Test func messagesDecodeIntegerAndStringMessageTypes() throws {
        let page = try Self.page(
            ChatwootMessagePayload.self,
            #"""
            [{"id": 100, "conversation_id": 7, "message_type": 0, "content": "hi", "private": false,
                "status": "read", "created_at": 1772359200, "sender_type": "Contact"},
               {"id": 101, "conversation_id": 7, "message_type": "activity", "content": "Resolved by Sam",
                "private": false, "created_at": "2026-03-01T10:00:01.000Z"},
               {"id": 102, "conversation_id": 7, "message_type": 9, "created_at": 1772359202}]
            """#)
        #expect(page.records.map(\.messageType) == [0, 2])
        #expect(page.records.first?.senderType == "contact")
        #expect(page.records.first?.status == "read")
        #expect(page.records.last?.createdAt == Date(timeIntervalSince1970: 1_772_359_201))
        #expect(page.rejections.map(\.reason) == ["unknown value in `message_type`"])
    }
}

@Suite struct ClerkDecodingTests {
    static let user = #"""
        {"object": "user", "id": "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S", "first_name": "Sam", "last_name": null,
         "primary_email_address_id": "idn_2", "primary_phone_number_id": null, "banned": false, "locked": true,
         "email_addresses": [{"id": "idn_1", "email_address": "old@example.com"},
                             {"id": "idn_2", "email_address": "sam@example.com"}],
         "phone_numbers": [], "created_at": 1716883200000, "updated_at": 1716883200123, "last_sign_in_at": null}
        """#

    @Test func bothEnvelopeShapesParse() throws {
        let bare = try ClerkListEnvelope.parse(Array("[\(Self.user), \(Self.user)]".utf8))
        #expect(bare.elements.count == 2)
        #expect(bare.total == nil)
        let wrapped = try ClerkListEnvelope.parse(Array(#"{"data": [\#(Self.user)], "total_count": 31}"#.utf8))
        #expect(wrapped.elements.count == 1)
        #expect(wrapped.total == 31)
        #expect(throws: (any Error).self) { try ClerkListEnvelope.parse(Array(#"{"errors": []}"#.utf8)) }
    }

    @Test func usersUseMillisecondsAndThePrimaryEmailByID() throws {
        let (scanner, elements, _) = try ClerkListEnvelope.parse(Array("[\(Self.user)]".utf8))
        let page = PageDecoder(source: .clerk, resource: "users").decode(
            ClerkUserPayload.self, elements: elements, in: scanner, pageNumber: 1)
        let user = try #require(page.records.first)
        #expect(user.primaryEmail == "sam@example.com")
        #expect(user.isLocked)
        #expect(user.createdAt == Date(timeIntervalSince1970: 1_716_883_200))
        #expect(abs(user.updatedAt.timeIntervalSince1970 - 1_716_883_200.123) < 1e-6)
    }

    @Test func membershipsAndOrganizationsDecode() throws {
        let json = #"""
            {"data": [{"object": "organization_membership", "id": "orgmem_1", "role": "org:admin",
                       "organization": {"id": "org_1", "name": "Clinic", "created_at": 1, "updated_at": 2},
                       "public_user_data": {"user_id": "user_1"}, "created_at": 1716883200000, "updated_at": 1716883200000},
                      {"object": "organization_membership", "id": "orgmem_2", "role": "org:member",
                       "created_at": 1716883200000, "updated_at": 1716883200000}], "total_count": 2}
            """#
        let (scanner, elements, _) = try ClerkListEnvelope.parse(Array(json.utf8))
        let page = PageDecoder(source: .clerk, resource: "memberships").decode(
            ClerkMembershipPayload.self, elements: elements, in: scanner, pageNumber: 1)
        #expect(page.records.map(\.organizationID) == ["org_1"])
        #expect(page.records.first?.isAdmin == true)
        #expect(page.rejections.map(\.sourceID) == ["orgmem_2"])
        let organizations = try ClinikoDecodingTests.page(
            ClerkOrganizationPayload.self,
            #"[{"id": "org_1", "name": "Clinic", "slug": "clinic", "members_count": 4, "public_metadata": {"time_zone": "Australia/Perth", "phone_region": "AU"}, "created_at": 1716883200000, "updated_at": 1716883200000}]"#
        )
        #expect(organizations.records.first?.timeZoneIdentifier == "Australia/Perth")
        #expect(organizations.records.first?.membersCount == 4)
    }
}
