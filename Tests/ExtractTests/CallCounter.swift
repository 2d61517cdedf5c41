import Synchronization

/// Counts calls per key, for routes that answer differently the second time.
final class CallCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// Counts one more call of `key` and returns the new count.
    func next(_ key: String) -> Int {
        counts.withLock {
            $0[key, default: 0] += 1
            return $0[key, default: 0]
        }
    }
}
