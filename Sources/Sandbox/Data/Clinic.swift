import Synchronization

/// An immutable snapshot of one organization's data plus a cache of filtered, sorted row orders.
///
/// Requests take the current snapshot from ``SandboxState`` and encode from it without further locking;
/// time travel and the "record changed" fault replace the snapshot, which also drops the cache.
final class Clinic: Sendable {
    let profile: OrganizationProfile
    let data: ClinicData
    /// Row orders per normalized query (resource + filters + sort), bounded in size.
    private let orders = Mutex<[String: [Int32]]>([:])

    init(profile: OrganizationProfile, data: ClinicData) {
        self.profile = profile
        self.data = data
    }

    /// Returns the cached row order for `key`, computing it with `make` on a miss.
    func order(for key: String, make: () throws -> [Int32]) rethrows -> [Int32] {
        if let cached = orders.withLock({ $0[key] }) { return cached }
        let computed = try make()
        orders.withLock { cache in
            if cache.count >= 64 { cache.removeAll(keepingCapacity: true) }
            cache[key] = computed
        }
        return computed
    }
}
