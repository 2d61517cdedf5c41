import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file being written in pieces that appears at its final path only when complete: bytes go to a temporary file
/// (mode 0600) in the same folder; ``commit()`` flushes it to disk and renames it into place. A file never committed
/// is removed when the value is dropped, so a failure halfway leaves the previous file as it was.
///
/// Made by ``AtomicFileWriter``; used where a document is too large to hold in memory, such as `patients.json`.
final class PendingFile {
    /// The path the file gets on ``commit()``.
    let url: URL
    private let temporary: URL
    private var descriptor: Int32
    private var isFinished = false

    /// Creates the temporary file beside `url`.
    init(url: URL) throws {
        self.url = url
        temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ReportError(.writeFailed, "cannot create \(temporary.path)", underlying: Self.lastError())
        }
    }

    deinit {
        if !isFinished { discard() }
    }

    /// Appends `bytes`.
    func write(_ bytes: some DataProtocol) throws {
        guard !isFinished else { throw ReportError(.writeFailed, "\(url.path) was already committed or discarded") }
        do {
            try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: bytes)
        } catch {
            discard()
            throw ReportError(.writeFailed, "cannot write \(url.path)", underlying: error)
        }
    }

    /// Makes the file durable (mode 0600, `fsync`) and renames it to ``url``, replacing what was there.
    func commit() throws {
        guard !isFinished else { throw ReportError(.writeFailed, "\(url.path) was already committed or discarded") }
        var failure: (any Error)?
        if fchmod(descriptor, 0o600) != 0 || fsync(descriptor) != 0 { failure = Self.lastError() }
        if close(descriptor) != 0, failure == nil { failure = Self.lastError() }
        descriptor = -1
        if failure == nil, rename(temporary.path, url.path) != 0 { failure = Self.lastError() }
        if let failure {
            discard()
            throw ReportError(.writeFailed, "cannot write \(url.path)", underlying: failure)
        }
        isFinished = true
    }

    /// Closes and removes the temporary file; ``url`` is left as it was.
    func discard() {
        guard !isFinished else { return }
        isFinished = true
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(temporary.path)
    }

    private static func lastError() -> POSIXError {
        POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
}
