import Synchronization

/// A graceful stop asked for by SIGINT or SIGTERM, checked between pages and between patient batches.
///
/// The run is not cancelled mid-statement: each organization notices the request at its next checkpoint, throws
/// `CancellationError`, rolls its transaction back and records the run as cancelled, which needs a live, uncancelled
/// task to talk to the database.
final class StopRequest: Sendable {
    private let requested = Mutex(false)

    /// Asks every organization to stop at its next checkpoint.
    func request() {
        requested.withLock { $0 = true }
    }

    /// Whether a stop was asked for.
    var isRequested: Bool {
        requested.withLock { $0 }
    }

    /// Throws `CancellationError` when a stop was asked for.
    func check() throws {
        if isRequested { throw CancellationError() }
    }
}
