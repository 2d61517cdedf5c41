// A clock the tests move by hand, so expiry and cache lifetimes are tested without sleeping.
import Foundation
import Synchronization

/// A settable clock for the verifier's `now` closure.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = TokenMinter.epoch) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    func advance(by seconds: TimeInterval) {
        current.withLock { $0 += seconds }
    }
}
