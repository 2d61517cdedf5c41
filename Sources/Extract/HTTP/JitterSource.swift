import Pipeline
import Synchronization

/// A ``SplitMix64`` shared by concurrent requests.
final class JitterSource: Sendable {
    private let generator: Mutex<SplitMix64>

    init(seed: UInt64) {
        generator = Mutex(SplitMix64(seed: seed))
    }

    /// A uniformly distributed fraction in `0..<1`.
    func nextFraction() -> Double {
        generator.withLock { Double.random(in: 0..<1, using: &$0) }
    }
}
