import Synchronization

/// Runs `work` in its own task and returns its result, or throws a 503 problem as soon as `deadline` passes first.
/// The work is then cancelled and ends in the background within its own bounds; the caller is never held.
func withDeadline<Result: Sendable>(
    _ deadline: ContinuousClock.Instant, _ work: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    let race = DeadlineRace<Result>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.install(continuation)
            let task = Task {
                do {
                    race.finish(.success(try await work()))
                } catch {
                    race.finish(.failure(error))
                }
            }
            let timer = Task {
                try await Task.sleep(until: deadline, clock: .continuous)
                race.finish(.failure(APIProblem.deadlinePassed))
            }
            race.onFinish {
                task.cancel()
                timer.cancel()
            }
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

extension APIProblem {
    /// The request's deadline passed before its answer was ready.
    static var deadlinePassed: APIProblem {
        .unavailable("The request did not finish within the server's deadline; try again shortly.")
    }
}

/// The first of the work's result, the deadline and cancellation resumes the caller; the others are ignored.
private final class DeadlineRace<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var result: Result<Value, any Error>?
        var cleanup: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    /// Called once, first: the caller to resume (at once, when cancellation already came).
    func install(_ continuation: CheckedContinuation<Value, any Error>) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            guard let result = state.result else {
                state.continuation = continuation
                return nil
            }
            return result
        }
        if let early { continuation.resume(with: early) }
    }

    /// What to do once the race is decided (cancel the losers); at once when it already is.
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let decided = state.withLock { state -> Bool in
            guard state.result == nil else { return true }
            state.cleanup = cleanup
            return false
        }
        if decided { cleanup() }
    }

    /// Decides the race with `result` unless it is decided already.
    func finish(_ result: Result<Value, any Error>) {
        let (continuation, cleanup) = state.withLock {
            state -> (CheckedContinuation<Value, any Error>?, (@Sendable () -> Void)?) in
            guard state.result == nil else { return (nil, nil) }
            state.result = result
            defer {
                state.continuation = nil
                state.cleanup = nil
            }
            return (state.continuation, state.cleanup)
        }
        continuation?.resume(with: result)
        cleanup?()
    }
}
