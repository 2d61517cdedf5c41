public import Pipeline

/// The pages of one resource, fetched lazily: each call to the iterator's `next()` requests one API page (or, for
/// fan-out resources, one bounded batch), so memory stays at one page whatever the size of the resource.
///
/// The sequence finishes normally only after the last page arrived; that is the "complete" signal a full run
/// needs before it may reconcile deletions. Any unrecoverable failure is thrown as ``ExtractError``.
///
/// To overlap fetching with processing, iterate inside ``withPrefetchedPages(_:prefetch:_:)``.
public struct SourcePages<Record: Sendable>: AsyncSequence, Sendable {
    /// One page.
    public typealias Element = SourcePage<Record>
    /// The failure type.
    public typealias Failure = any Error

    /// Produces the page for `state` (with its 1-based number) and the state of the next page, `nil` after the last
    /// page. A `nil` page (an empty trailing page) is skipped.
    typealias Step<State> = @Sendable (State, Int) async throws -> (page: SourcePage<Record>?, next: State?)

    private let makeProducer: @Sendable () -> Producer

    init<State: Sendable>(initial: State, step: @escaping Step<State>) {
        makeProducer = { Producer(state: initial, step: step) }
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(producer: makeProducer())
    }

    /// Walks the pages; not shared between tasks.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let producer: Producer

        /// The next page, or `nil` after the last one.
        ///
        /// - Throws: ``ExtractError``, or `CancellationError`.
        public mutating func next() async throws -> SourcePage<Record>? {
            try await producer.next()
        }
    }

    /// Holds the paging state of one iteration.
    final class Producer {
        private let advance: () async throws -> SourcePage<Record>??

        init<State: Sendable>(state initial: State, step: @escaping Step<State>) {
            var state: State? = initial
            var pageNumber = 0
            advance = {
                guard let current = state else { return .none }
                pageNumber += 1
                let (page, next) = try await step(current, pageNumber)
                state = next
                if page == nil { pageNumber -= 1 }
                return .some(page)
            }
        }

        func next() async throws -> SourcePage<Record>? {
            while let step = try await advance() {
                if let page = step { return page }
            }
            return nil
        }
    }
}
