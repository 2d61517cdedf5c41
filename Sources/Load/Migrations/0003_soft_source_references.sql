-- References between source records are soft: the APIs do not guarantee them. Chatwoot's contact list leaves
-- out contacts without phone, e-mail or identifier while their conversations remain; Cliniko keeps appointments
-- of patients it no longer lists; Clerk memberships may name users outside the fetched pages. A hard foreign key
-- would fail a whole organization's run on such data, so these constraints go; the columns stay indexed.
ALTER TABLE conversations DROP CONSTRAINT conversations_organization_id_contact_id_fkey;
ALTER TABLE messages DROP CONSTRAINT messages_organization_id_conversation_id_fkey;
ALTER TABLE appointments DROP CONSTRAINT appointments_organization_id_patient_id_fkey;
ALTER TABLE organization_members DROP CONSTRAINT organization_members_organization_id_user_id_fkey;
