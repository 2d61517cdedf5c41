/// Finds the closest known word to a misspelt one, for "did you mean" hints.
package enum Suggestion {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a plausible typo.
    ///
    /// A candidate qualifies when its Levenshtein distance is at most a third of the word's length (at least 1,
    /// at most 3), or when one word contains the other.
    ///
    /// - Parameters:
    ///   - word: What the user wrote.
    ///   - candidates: The accepted words.
    /// - Returns: The best candidate, or `nil` when none is close.
    package static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let lowered = word.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if best == nil || distance < best!.distance {
                best = (candidate, distance)
            }
        }
        guard let best else { return nil }
        let limit = min(3, max(1, lowered.count / 3))
        if best.distance <= limit { return best.candidate }
        let candidateLowered = best.candidate.lowercased()
        if lowered.count >= 3, candidateLowered.contains(lowered) || lowered.contains(candidateLowered) {
            return best.candidate
        }
        return nil
    }

    /// ` did you mean 'X'?` or an empty string.
    package static func hint(for word: String, in candidates: some Sequence<String>) -> String {
        guard let match = closest(to: word, in: candidates) else { return "" }
        return "; did you mean '\(match)'?"
    }

    /// The Levenshtein distance between two strings, over Unicode scalars.
    package static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
