import Synchronization

/// A small, fast, seedable random number generator (SplitMix64), so backoff jitter is reproducible in tests.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
