public import Foundation
public import Pipeline

/// Derives what became of an appointment from Cliniko's fields (Cliniko has no status field).
///
/// In order: an archived or deleted appointment is ``AppointmentOutcome/archived`` and counts for nothing; an
/// appointment with `cancelled_at` is cancelled — *late* when cancelled less than
/// ``Configuration/lateCancellationWindow`` before it was due to start (or after); one marked
/// `did_not_arrive` is ``AppointmentOutcome/didNotArrive``; one starting after the as-of instant is
/// ``AppointmentOutcome/upcoming``; anything else is ``AppointmentOutcome/attended``.
public struct AppointmentOutcomeClassifier: Sendable {
    /// The classification settings.
    public struct Configuration: Sendable, Hashable {
        /// A cancellation less than this many seconds before the start is late. Defaults to 24 hours.
        public var lateCancellationWindow: TimeInterval

        /// Creates a configuration.
        ///
        /// - Parameter lateCancellationWindow: The late-cancellation window in seconds; 24 hours by default.
        public init(lateCancellationWindow: TimeInterval = 24 * 60 * 60) {
            self.lateCancellationWindow = lateCancellationWindow
        }
    }

    /// The classification settings.
    public let configuration: Configuration

    /// Creates a classifier.
    ///
    /// - Parameter configuration: The settings; a 24-hour late-cancellation window by default.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// The outcome of an appointment as of an instant.
    ///
    /// - Parameters:
    ///   - appointment: The appointment.
    ///   - asOf: The instant "now" stands for; appointments starting after it are upcoming.
    /// - Returns: The outcome.
    public func outcome(of appointment: Appointment, asOf: Date) -> AppointmentOutcome {
        if appointment.archivedAt != nil || appointment.deletedAt != nil {
            return .archived
        }
        if let cancelledAt = appointment.cancelledAt {
            let notice = appointment.startsAt.timeIntervalSince(cancelledAt)
            return notice < configuration.lateCancellationWindow ? .lateCancelled : .cancelled
        }
        if appointment.didNotArrive {
            return .didNotArrive
        }
        if appointment.startsAt > asOf {
            return .upcoming
        }
        return .attended
    }
}
