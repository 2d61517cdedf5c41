/// The Clerk instance: one organization per clinic, its admins and members, some users in two organizations.
struct ClerkDirectory: Sendable {
    var users: [ClerkUser] = []
    var memberships: [ClerkMembership] = []
    let instanceID: String
    let secretKey: String
    let keyID: String

    init(profiles: [OrganizationProfile], seed: UInt64, now: Int64) {
        var rng = SplitMix64(seed: seed, 0xC1E4)
        instanceID = "ins_" + rng.base62(27)
        secretKey = "sk_test_" + rng.base62(40)
        keyID = instanceID
        for profile in profiles {
            let admins = rng.int(1...3)
            let members = rng.int(2...10)
            for number in 0..<(admins + members) {
                let createdMs =
                    (Int64(profile.createdAt) + Int64(rng.below(86_400 * 300))) * 1000 + Int64(rng.below(1000))
                let userIndex: Int
                if number == admins, users.count > 3, rng.chance(0.3) {
                    userIndex = rng.below(users.count)  // an existing user joins a second organization
                } else {
                    userIndex = users.count
                    users.append(makeUser(createdMs: min(createdMs, now * 1000), now: now, &rng))
                }
                memberships.append(
                    ClerkMembership(
                        id: "orgmem_" + rng.base62(27), organization: profile.index, user: userIndex,
                        isAdmin: number < admins, createdAt: min(createdMs + 60_000, now * 1000),
                        updatedAt: min(createdMs + 60_000 + Int64(rng.below(86_400_000)), now * 1000)
                    )
                )
            }
        }
    }

    private func makeUser(createdMs: Int64, now: Int64, _ rng: inout SplitMix64) -> ClerkUser {
        let first = rng.pick(Catalog.firstNames)
        let last = rng.pick(Catalog.lastNames)
        let local = "\(first).\(last)".lowercased().filter { $0.isLetter || $0 == "." }
        let hasSecond = rng.chance(0.2)
        let hasPhone = rng.chance(0.1)
        return ClerkUser(
            id: "user_" + rng.base62(27), emailID: "idn_" + rng.base62(27),
            secondEmailID: hasSecond ? "idn_" + rng.base62(27) : nil,
            phoneID: hasPhone ? "idn_" + rng.base62(27) : nil, firstName: first, lastName: last,
            email: "\(local)@example.com", secondEmail: hasSecond ? "\(local)@gmail.com" : nil,
            phone: hasPhone ? "+6149157" + PhoneFactory.fourDigits(rng.below(10_000)) : nil,
            createdAt: createdMs, updatedAt: min(createdMs + Int64(rng.below(86_400_000 * 30)), now * 1000),
            lastSignInAt: rng.chance(0.9) ? now * 1000 - Int64(rng.below(86_400_000 * 20)) : nil,
            isBanned: rng.chance(0.03), isLocked: rng.chance(0.02)
        )
    }
}
