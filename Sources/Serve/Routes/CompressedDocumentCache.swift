import CompressNIO
import NIOCore
import Synchronization

/// gzip-compressed copies of stored documents, keyed by their strong ETag, so a popular summary is compressed once
/// rather than on every request. Bounded by total bytes; the oldest entries go first.
final class CompressedDocumentCache: Sendable {
    private struct State {
        var entries: [String: [UInt8]] = [:]
        var order: [String] = []
        var bytes = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    /// - Parameter capacity: The most compressed bytes held.
    init(capacity: Int = 32 << 20) {
        self.capacity = capacity
    }

    /// The gzip form of `content`, whose ETag is `etag`.
    func gzip(_ content: [UInt8], etag: String) throws -> [UInt8] {
        if let cached = state.withLock({ $0.entries[etag] }) { return cached }
        var input = ByteBuffer(bytes: content)
        let output = try input.compress(with: .gzip())
        let compressed = Array(output.readableBytesView)
        guard compressed.count <= capacity else { return compressed }
        state.withLock { state in
            guard state.entries[etag] == nil else { return }
            state.entries[etag] = compressed
            state.order.append(etag)
            state.bytes += compressed.count
            while state.bytes > capacity, !state.order.isEmpty {
                let oldest = state.order.removeFirst()
                state.bytes -= state.entries.removeValue(forKey: oldest)?.count ?? 0
            }
        }
        return compressed
    }
}
