/// The cheap identity of one simulated organization, derived from the seed without generating its data.
struct OrganizationProfile: Sendable {
    var index: Int
    var clerkID: String
    var name: String
    var slug: String
    var timeZone: String
    var timeZoneLabel: String
    var phoneRegion: String
    var shard: String
    var clinikoKeyBody: String
    var chatwootAccountID: Int
    var chatwootToken: String
    var createdAt: UInt32

    /// The Cliniko key as handed out: body plus `-shard` suffix.
    var clinikoKey: String { "\(clinikoKeyBody)-\(shard)" }

    static let shards = ["au1", "au2", "au3", "au4", "ca1", "uk1", "uk2", "eu1"]

    /// Derives `count` profiles from `seed`; names and slugs are unique.
    static func make(count: Int, seed: UInt64, now: Int64) -> [OrganizationProfile] {
        var profiles: [OrganizationProfile] = []
        var usedNames = Set<String>()
        for index in 0..<count {
            var rng = SplitMix64(seed: seed, 0x0126, UInt64(index))
            var name = ""
            repeat {
                name = "\(rng.pick(Catalog.clinicPrefixes)) \(rng.pick(Catalog.clinicSuffixes))"
                if usedNames.contains(name) { name += " \(index + 1)" }
            } while usedNames.contains(name)
            usedNames.insert(name)
            let slug = String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
            let zone = Catalog.timeZones[[0, 1, 2, 3, 4, 0, 1][index % 7]]
            let shard = index < 3 ? ["au1", "au2", "au4"][index] : shards[rng.below(4)]
            profiles.append(
                OrganizationProfile(
                    index: index,
                    clerkID: "org_" + rng.base62(27),
                    name: name,
                    slug: slug,
                    timeZone: zone.identifier,
                    timeZoneLabel: zone.label,
                    phoneRegion: "AU",
                    shard: shard,
                    clinikoKeyBody: "MS0" + rng.base62(37),
                    chatwootAccountID: index + 1,
                    chatwootToken: rng.base62(24),
                    createdAt: UInt32(now - 86_400 * Int64(400 + rng.below(900)))
                )
            )
        }
        return profiles
    }
}
