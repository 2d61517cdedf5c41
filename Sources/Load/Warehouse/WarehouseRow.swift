public import Pipeline

/// A source record that loads into one ``WarehouseTable``.
///
/// Conformers encode exactly the table's ``WarehouseTable/columns`` in order; ``CopyRowEncoder/endRow(appendingHash:)``
/// appends the content hash, or drops the row and returns why a value does not fit its column.
public protocol WarehouseRow: Sendable {
    /// The table the record loads into.
    static var warehouseTable: WarehouseTable { get }

    /// The record's value of the table's key column (its source id; a membership's user id), which is also what
    /// the quarantine stores as `source_id`.
    var warehouseKey: String { get }

    /// Appends the record as one row of ``warehouseTable``.
    ///
    /// - Returns: `nil` when the row was written; otherwise the first value that does not fit its column (nothing of
    ///   the record was written, and it belongs in the quarantine).
    func encodeRow(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation?
}

extension Patient: WarehouseRow {
    public static var warehouseTable: WarehouseTable { .patients }

    public var warehouseKey: String { id }

    public func encodeRow(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation? {
        encoder.field(organization)
        encoder.field(id)
        encoder.field(firstName)
        encoder.field(lastName)
        encoder.field(preferredFirstName)
        encoder.field(title)
        encoder.field(email)
        encoder.field(dateOfBirth)
        encoder.field(sex)
        encoder.field(phones.lazy.compactMap { $0.normalization?.e164 }.first)
        encoder.field(archivedAt)
        encoder.field(mergedAt)
        encoder.field(mergedIntoPatientID)
        encoder.field(deletedAt)
        encoder.field(createdAt)
        encoder.field(updatedAt)
        // The phones are part of the patient's content: a changed number or normalization changes the hash.
        for phone in phones {
            encoder.hashOnly(phone.number)
            encoder.hashOnly(phone.phoneType)
            encoder.hashOnly(phone.normalization?.e164 ?? phone.normalization?.failureReason ?? "")
        }
        return encoder.endRow()
    }
}

extension Patient {
    /// Appends the patient's phones as rows of the transaction's phone staging table
    /// (``WarehouseTable/patientPhoneColumns``), each carrying the patient's version (`updated_at`).
    ///
    /// - Returns: `nil` when every row was written; otherwise the first value that does not fit its column, named
    ///   after the phone's position (`patient_phone_numbers[1].raw_number`). Roll the encoder back and quarantine the
    ///   patient then.
    public func encodePhoneRows(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation? {
        for (position, phone) in phones.enumerated() {
            encoder.field(organization)
            encoder.field(id)
            encoder.field(position)
            encoder.field(phone.number)
            encoder.field(phone.phoneType)
            encoder.field(phone.normalization?.e164)
            encoder.field(phone.normalization?.type.rawValue)
            encoder.field(phone.normalization?.failureReason ?? "ok")
            encoder.field(updatedAt)
            if let violation = encoder.endRow(appendingHash: false) {
                return ColumnViolation(
                    column: "patient_phone_numbers[\(position)].\(violation.column)", problem: violation.problem)
            }
        }
        return nil
    }
}

extension Appointment: WarehouseRow {
    public static var warehouseTable: WarehouseTable { .appointments }

    public var warehouseKey: String { id }

    public func encodeRow(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation? {
        encoder.field(organization)
        encoder.field(id)
        encoder.field(patientID)
        encoder.field(practitionerID)
        encoder.field(appointmentTypeID)
        encoder.field(businessID)
        encoder.field(startsAt)
        encoder.field(endsAt)
        encoder.field(cancelledAt)
        encoder.field(cancellationReason)
        encoder.field(cancellationNote)
        encoder.field(didNotArrive)
        encoder.field(patientArrived)
        encoder.field(archivedAt)
        encoder.field(deletedAt)
        encoder.field(repeatedFromID)
        encoder.field(createdAt)
        encoder.field(updatedAt)
        return encoder.endRow()
    }
}

extension AppointmentType: WarehouseRow {
    public static var warehouseTable: WarehouseTable { .appointmentTypes }

    public var warehouseKey: String { id }

    public func encodeRow(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation? {
        encoder.field(organization)
        encoder.field(id)
        encoder.field(name)
        encoder.field(category)
        encoder.field(durationInMinutes)
        encoder.field(maxAttendees)
        encoder.field(isTelehealthEnabled)
        encoder.field(archivedAt)
        encoder.field(createdAt)
        encoder.field(updatedAt)
        return encoder.endRow()
    }
}

extension Practitioner: WarehouseRow {
    public static var warehouseTable: WarehouseTable { .practitioners }

    public var warehouseKey: String { id }

    public func encodeRow(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation? {
        encoder.field(organization)
        encoder.field(id)
        encoder.field(firstName)
        encoder.field(lastName)
        encoder.field(title)
        encoder.field(designation)
        encoder.field(displayName)
        encoder.field(isActive)
        encoder.field(createdAt)
        encoder.field(updatedAt)
        return encoder.endRow()
    }
}

extension Business: WarehouseRow {
    public static var warehouseTable: WarehouseTable { .businesses }

    public var warehouseKey: String { id }

    public func encodeRow(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation? {
        encoder.field(organization)
        encoder.field(id)
        encoder.field(name)
        encoder.field(timeZoneIdentifier)
        encoder.field(countryCode)
        encoder.field(archivedAt)
        encoder.field(createdAt)
        encoder.field(updatedAt)
        return encoder.endRow()
    }
}

extension Contact: WarehouseRow {
    public static var warehouseTable: WarehouseTable { .contacts }

    public var warehouseKey: String { id }

    public func encodeRow(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation? {
        encoder.field(organization)
        encoder.field(id)
        encoder.field(name)
        encoder.field(email)
        encoder.field(phoneNumber)
        encoder.field(phoneNormalization?.e164)
        encoder.field(identifier)
        encoder.field(clinikoPatientID)
        encoder.field(createdAt)
        encoder.field(nil as String?)  // last_activity_at: not in the record yet
        return encoder.endRow()
    }
}

extension Conversation: WarehouseRow {
    public static var warehouseTable: WarehouseTable { .conversations }

    public var warehouseKey: String { id }

    public func encodeRow(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation? {
        encoder.field(organization)
        encoder.field(id)
        encoder.field(contactID)
        encoder.field(inboxID)
        encoder.field(status)
        encoder.field(channel)
        encoder.field(labels ?? [])
        encoder.field(createdAt)
        encoder.field(lastActivityAt)
        return encoder.endRow()
    }
}

extension Message: WarehouseRow {
    public static var warehouseTable: WarehouseTable { .messages }

    public var warehouseKey: String { id }

    /// Chatwoot's integer `message_type` as the warehouse's text; an unknown code gives a value the column refuses,
    /// so the message is quarantined rather than filed under a type it is not.
    static func kind(_ messageType: Int) -> String {
        switch messageType {
        case 0: "incoming"
        case 1: "outgoing"
        case 2: "activity"
        case 3: "template"
        default: "unknown type \(messageType)"
        }
    }

    public func encodeRow(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation? {
        encoder.field(organization)
        encoder.field(id)
        encoder.field(conversationID)
        encoder.field(Self.kind(messageType))
        encoder.field(isPrivate)
        encoder.field(status)
        encoder.field(content)
        encoder.field(createdAt)
        return encoder.endRow()
    }
}

extension ClerkUser: WarehouseRow {
    public static var warehouseTable: WarehouseTable { .users }

    public var warehouseKey: String { id }

    public func encodeRow(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation? {
        encoder.field(organization)
        encoder.field(id)
        encoder.field(firstName)
        encoder.field(lastName)
        encoder.field(primaryEmail)
        encoder.field(isBanned)
        encoder.field(isLocked)
        encoder.field(lastSignInAt)
        encoder.field(createdAt)
        encoder.field(updatedAt)
        return encoder.endRow()
    }
}

extension ClerkMembership: WarehouseRow {
    public static var warehouseTable: WarehouseTable { .organizationMembers }

    public var warehouseKey: String { userID }

    public func encodeRow(organization: String, into encoder: inout CopyRowEncoder) -> ColumnViolation? {
        encoder.field(organization)
        encoder.field(userID)
        encoder.field(id)
        encoder.field(role)
        encoder.field(createdAt)
        encoder.field(updatedAt)
        return encoder.endRow()
    }
}
