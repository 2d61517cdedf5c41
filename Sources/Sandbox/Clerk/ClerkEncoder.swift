/// Encodes Clerk users, organizations and memberships (millisecond timestamps, prefixed ids).
struct ClerkEncoder {
    let directory: ClerkDirectory
    let profiles: [OrganizationProfile]

    func user(_ index: Int, _ w: inout JSONWriter) {
        let u = directory.users[index]
        w.beginObject()
        w.field("object", "user")
        w.field("id", u.id)
        w.field("backup_code_enabled", false)
        w.field("banned", u.isBanned)
        w.field("created_at", int: u.createdAt)
        w.key("email_addresses")
        w.beginArray()
        w.element()
        email(u.emailID, u.email, verified: true, u, &w)
        if let second = u.secondEmail, let id = u.secondEmailID {
            w.element()
            email(id, second, verified: false, u, &w)
        }
        w.endArray()
        w.field("enterprise_accounts", raw: "[]")
        w.field("external_accounts", raw: "[]")
        w.nullField("external_id")
        w.field("first_name", u.firstName)
        w.field("has_image", false)
        w.field("image_url", "https://img.clerk.com/placeholder")
        w.key("last_active_at")
        u.lastSignInAt.map { w.int($0) } ?? w.null()
        w.field("last_name", u.lastName)
        w.key("last_sign_in_at")
        u.lastSignInAt.map { w.int($0) } ?? w.null()
        w.nullField("legal_accepted_at")
        w.field("locked", u.isLocked)
        w.key("lockout_expires_in_seconds")
        u.isLocked ? w.int(1800) : w.null()
        w.nullField("mfa_enabled_at")
        w.field("passkeys", raw: "[]")
        w.field("password_enabled", true)
        w.key("phone_numbers")
        w.beginArray()
        if let phone = u.phone, let id = u.phoneID {
            w.element()
            w.beginObject()
            w.field("id", id)
            w.field("object", "phone_number")
            w.field("phone_number", phone)
            w.field("reserved_for_second_factor", false)
            w.field("default_second_factor", false)
            w.field("verification", raw: "{\"status\":\"verified\",\"strategy\":\"phone_code\"}")
            w.field("linked_to", raw: "[]")
            w.nullField("backup_codes")
            w.field("created_at", int: u.createdAt)
            w.field("updated_at", int: u.createdAt)
            w.endObject()
        }
        w.endArray()
        w.field("primary_email_address_id", u.emailID)
        w.field("primary_phone_number_id", u.phoneID)
        w.nullField("primary_web3_wallet_id")
        w.field("private_metadata", raw: "{}")
        w.field("public_metadata", raw: "{}")
        w.field("saml_accounts", raw: "[]")
        w.field("totp_enabled", false)
        w.field("two_factor_enabled", false)
        w.field("unsafe_metadata", raw: "{}")
        w.field("updated_at", int: u.updatedAt)
        w.nullField("username")
        w.field("web3_wallets", raw: "[]")
        w.endObject()
    }

    private func email(_ id: String, _ address: String, verified: Bool, _ u: ClerkUser, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("object", "email_address")
        w.field("email_address", address)
        w.field("reserved", false)
        w.key("verification")
        if verified {
            w.raw("{\"status\":\"verified\",\"strategy\":\"email_code\",\"attempts\":1,\"expire_at\":null}")
        } else {
            w.null()
        }
        w.field("linked_to", raw: "[]")
        w.field("matches_sso_connection", false)
        w.field("created_at", int: u.createdAt)
        w.field("updated_at", int: u.updatedAt)
        w.endObject()
    }

    func organization(_ index: Int, includeMembersCount: Bool, _ w: inout JSONWriter) {
        let p = profiles[index]
        let members = directory.memberships.filter { $0.organization == index }
        let creator = members.first { $0.isAdmin }.map { directory.users[$0.user].id }
        w.beginObject()
        w.field("object", "organization")
        w.field("id", p.clerkID)
        w.field("name", p.name)
        w.field("slug", p.slug)
        w.field("image_url", "https://img.clerk.com/placeholder")
        w.field("has_image", false)
        if includeMembersCount {
            w.field("members_count", int: members.count)
        }
        w.field("pending_invitations_count", int: 0)
        w.field("max_allowed_memberships", int: 0)
        w.field("admin_delete_enabled", true)
        w.key("public_metadata")
        w.beginObject()
        w.field("time_zone", p.timeZone)
        w.field("phone_region", p.phoneRegion)
        w.endObject()
        w.field("private_metadata", raw: "{}")
        w.field("created_by", creator)
        w.field("created_at", int: Int64(p.createdAt) * 1000)
        w.field("updated_at", int: Int64(p.createdAt) * 1000 + 3_600_000)
        w.field("last_active_at", int: Int64(p.createdAt) * 1000 + 3_600_000)
        w.field("role_set_key", "role_set:default")
        w.endObject()
    }

    func membership(_ index: Int, _ w: inout JSONWriter) {
        let m = directory.memberships[index]
        let u = directory.users[m.user]
        w.beginObject()
        w.field("object", "organization_membership")
        w.field("id", m.id)
        w.field("role", m.isAdmin ? "org:admin" : "org:member")
        w.field("role_name", m.isAdmin ? "Admin" : "Member")
        w.key("permissions")
        w.raw(
            m.isAdmin
                ? "[\"org:sys_profile:manage\",\"org:sys_profile:delete\",\"org:sys_memberships:read\",\"org:sys_memberships:manage\",\"org:sys_domains:read\",\"org:sys_domains:manage\"]"
                : "[\"org:sys_memberships:read\"]")
        w.field("public_metadata", raw: "{}")
        w.field("private_metadata", raw: "{}")
        w.key("organization")
        organization(m.organization, includeMembersCount: false, &w)
        w.key("public_user_data")
        w.beginObject()
        w.field("user_id", u.id)
        w.field("first_name", u.firstName)
        w.field("last_name", u.lastName)
        w.field("image_url", "https://img.clerk.com/placeholder")
        w.field("has_image", false)
        w.field("identifier", u.email)
        w.nullField("username")
        w.field("banned", u.isBanned)
        w.field("deprovisioned", false)
        w.endObject()
        w.field("created_at", int: m.createdAt)
        w.field("updated_at", int: m.updatedAt)
        w.endObject()
    }
}
