import Pipeline
import Synchronization
import Testing

@testable import Extract

/// A counter shared with a page producer.
final class Counter: Sendable {
    let value = Mutex(0)

    func increment() { value.withLock { $0 += 1 } }
    var current: Int { value.withLock { $0 } }
}

/// The most holders seen at once.
final class Peak: Sendable {
    private let value = Mutex((current: 0, peak: 0))

    func enter() {
        value.withLock {
            $0.current += 1
            $0.peak = max($0.peak, $0.current)
        }
    }

    func leave() { value.withLock { $0.current -= 1 } }
    var peak: Int { value.withLock { $0.peak } }
}

@Suite struct PagingTests {
    /// Pages 1…`count`, recording how many were produced.
    static func pages(_ count: Int, produced: Counter? = nil) -> SourcePages<Int> {
        SourcePages(initial: 1) { state, pageNumber in
            produced?.increment()
            let page = SourcePage(records: [state], pageNumber: pageNumber)
            return (page, state < count ? state + 1 : nil)
        }
    }

    @Test func theSequenceYieldsEveryPageInOrderAndFinishes() async throws {
        var seen: [Int] = []
        var numbers: [Int] = []
        for try await page in Self.pages(5) {
            seen += page.records
            numbers.append(page.pageNumber)
        }
        #expect(seen == [1, 2, 3, 4, 5])
        #expect(numbers == [1, 2, 3, 4, 5])
    }

    @Test func emptyStepsAreSkippedWithoutGapsInPageNumbers() async throws {
        let pages = SourcePages<Int>(initial: 1) { state, pageNumber in
            let page = state % 2 == 0 ? nil : SourcePage(records: [state], pageNumber: pageNumber)
            return (page, state < 5 ? state + 1 : nil)
        }
        var numbers: [Int] = []
        var records: [Int] = []
        for try await page in pages {
            numbers.append(page.pageNumber)
            records += page.records
        }
        #expect(records == [1, 3, 5])
        #expect(numbers == [1, 2, 3])
    }

    @Test(arguments: [1, 2])
    func prefetchStaysWithinItsBound(prefetch: Int) async throws {
        let produced = Counter()
        let consumed = try await withPrefetchedPages(Self.pages(20, produced: produced), prefetch: prefetch) { pages in
            var consumed = 0
            for try await _ in pages {
                consumed += 1
                try await Task.sleep(for: .milliseconds(5))
                let ahead = produced.current - consumed
                #expect(ahead <= prefetch)
            }
            return consumed
        }
        #expect(consumed == 20)
    }

    @Test func stoppingEarlyCancelsTheProducer() async throws {
        let produced = Counter()
        let first = try await withPrefetchedPages(Self.pages(1000, produced: produced)) { pages in
            for try await page in pages { return page.records }
            return []
        }
        #expect(first == [1])
        #expect(produced.current <= 3)
    }

    @Test func theLimiterCapsRequestsInFlight() async throws {
        let limiter = ConcurrencyLimiter(limit: 3)
        let state = Peak()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await limiter.withPermit {
                        state.enter()
                        try await Task.sleep(for: .milliseconds(5))
                        state.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(state.peak == 3)
    }
}
