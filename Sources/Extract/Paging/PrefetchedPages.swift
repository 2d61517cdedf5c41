/// Iterates `pages` with up to `prefetch` pages fetched ahead of the consumer, inside a task group so the
/// producer never outlives the call.
///
/// The producer fetches page *n + 1* while `body` processes page *n*, and stops fetching when `prefetch` pages
/// are waiting, so memory stays bounded. If `body` returns early or throws, the producer is cancelled.
///
/// - Parameters:
///   - pages: The pages, e.g. `source.patients(since: cursor)`.
///   - prefetch: How many pages may wait unprocessed, at least 1; 1 by default.
///   - body: Consumes the pages; the sequence must not escape it.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, or the producer's ``ExtractError``.
public func withPrefetchedPages<Pages: AsyncSequence & Sendable, Result>(
    _ pages: Pages,
    prefetch: Int = 1,
    _ body: (PrefetchedPages<Pages.Element>) async throws -> Result
) async throws -> Result where Pages.Element: Sendable {
    let (stream, continuation) = AsyncThrowingStream.makeStream(of: Pages.Element.self)
    let (credits, creditor) = AsyncStream.makeStream(of: Void.self)
    for _ in 0..<max(0, prefetch - 1) { creditor.yield() }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            var credit = credits.makeAsyncIterator()
            do {
                for try await page in pages {
                    continuation.yield(page)
                    // Wait until the consumer took a page before fetching the next one beyond the allowance.
                    guard await credit.next() != nil else { break }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        defer {
            creditor.finish()
            group.cancelAll()
        }
        return try await body(PrefetchedPages(base: stream, creditor: creditor))
    }
}

/// The pages handed to ``withPrefetchedPages(_:prefetch:_:)``'s body.
public struct PrefetchedPages<Element: Sendable>: AsyncSequence {
    /// The failure type.
    public typealias Failure = any Error

    let base: AsyncThrowingStream<Element, any Error>
    let creditor: AsyncStream<Void>.Continuation

    /// Creates the iterator.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), creditor: creditor)
    }

    /// Takes prefetched pages and lets the producer fetch another for each one taken.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<Element, any Error>.AsyncIterator
        let creditor: AsyncStream<Void>.Continuation

        /// The next page, or `nil` after the last one.
        ///
        /// - Throws: The producer's error, or `CancellationError` when the consuming task was cancelled: the stream
        ///   ends quietly on cancellation, and a normal end must keep meaning "every page arrived".
        public mutating func next() async throws -> Element? {
            let element = try await base.next()
            guard element != nil else {
                try Task.checkCancellation()
                return nil
            }
            creditor.yield()
            return element
        }
    }
}
