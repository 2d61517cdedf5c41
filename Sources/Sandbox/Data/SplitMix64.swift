/// A tiny, fast, seedable pseudo-random generator (SplitMix64).
///
/// Every synthetic value the sandbox serves comes from one of these, seeded from the configured seed and a
/// per-purpose salt, so the same seed and simulated present always give byte-identical data.
/// `SystemRandomNumberGenerator` is never used.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose stream is fully determined by `seed` and the `salts`.
    init(seed: UInt64, _ salts: UInt64...) {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        for salt in salts {
            state = Self.mix(state ^ Self.mix(salt &+ 0xD1B5_4A32_D192_ED03))
        }
        self.state = state
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A uniformly distributed integer in `0..<bound` (bound > 0).
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// An integer in the closed range.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// `true` with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// A double in `0..<1`.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Picks an element of a non-empty array.
    mutating func pick<T>(_ values: [T]) -> T {
        values[below(values.count)]
    }

    /// Picks an index according to relative weights.
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = unit() * total
        for (index, weight) in weights.enumerated() {
            if x < weight { return index }
            x -= weight
        }
        return weights.count - 1
    }

    /// A base62 string of `count` characters.
    mutating func base62(_ count: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        for _ in 0..<count { bytes.append(alphabet[below(alphabet.count)]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A stateless hash of a seed and salts into `0..<1`, used where decisions must not depend on call order.
    static func unit(seed: UInt64, _ salts: UInt64...) -> Double {
        var state = seed
        for salt in salts { state = mix(state ^ mix(salt &+ 0x9E37_79B9_7F4A_7C15)) }
        return Double(mix(state) >> 11) * 0x1.0p-53
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
