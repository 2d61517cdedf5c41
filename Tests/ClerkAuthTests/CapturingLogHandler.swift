// A log handler that keeps every record in memory, so tests can check what is (and is not) logged.
import Logging
import Synchronization

/// Records log messages with their level and metadata.
struct CapturingLogHandler: LogHandler {
    /// One log call.
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    /// The records, shared by every copy of the handler.
    final class Store: Sendable {
        private let records = Mutex<[Record]>([])

        var all: [Record] { records.withLock { $0 } }

        func append(_ record: Record) {
            records.withLock { $0.append(record) }
        }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.append(
            Record(
                level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}
