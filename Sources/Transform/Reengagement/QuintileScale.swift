/// Places a whole number among the values of an organization's patients as a quintile, 1 (lowest fifth) to 5
/// (highest fifth), from a histogram: memory O(distinct values).
///
/// A value's position is its mid-rank: the share of patients below it plus half the share equal to it, so patients
/// with equal values always share a quintile and a value held by most patients lands in the middle.
struct QuintileScale: Sendable, Hashable {
    private var values: [Int] = []
    /// Patients strictly below each value of ``values``, and with the value.
    private var below: [Int] = []
    private var equal: [Int] = []
    private var total = 0

    init(histogram: [Int: Int]) {
        var running = 0
        for (value, count) in histogram.sorted(by: { $0.key < $1.key }) where count > 0 {
            values.append(value)
            below.append(running)
            equal.append(count)
            running += count
        }
        total = running
    }

    /// The quintile of `value`; `nil` when the histogram is empty. A value not in the histogram is placed between
    /// its neighbours.
    func quintile(of value: Int) -> Int? {
        guard total > 0 else { return nil }
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < value { low = middle + 1 } else { high = middle }
        }
        let strictlyBelow = low < values.count ? below[low] : total
        let same = low < values.count && values[low] == value ? equal[low] : 0
        let position = (Double(strictlyBelow) + Double(same) / 2) / Double(total)
        return min(5, 1 + Int((position * 5).rounded(.down)))
    }
}
