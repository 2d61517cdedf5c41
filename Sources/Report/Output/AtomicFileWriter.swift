import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes files so a reader never sees half of one: a temporary file in the same folder, `fsync`, then `rename`.
///
/// Files are created with mode 0600 and folders with 0700, because reports hold patient data; an existing folder's
/// mode is tightened to 0700 as well.
struct AtomicFileWriter: Sendable {
    /// Creates `directory` (and its parents) if needed, mode 0700.
    func makeDirectory(_ directory: URL) throws {
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard chmod(directory.path, 0o700) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            throw ReportError(.writeFailed, "cannot create folder \(directory.path)", underlying: error)
        }
    }

    /// Replaces `url` with `data` atomically, mode 0600.
    func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ReportError(.writeFailed, "cannot create \(temporary.path)", underlying: Self.lastError())
        }
        var failure: (any Error)?
        do {
            try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: data)
        } catch {
            failure = error
        }
        if failure == nil, fchmod(descriptor, 0o600) != 0 || fsync(descriptor) != 0 { failure = Self.lastError() }
        if close(descriptor) != 0, failure == nil { failure = Self.lastError() }
        if failure == nil, rename(temporary.path, url.path) != 0 { failure = Self.lastError() }
        if let failure {
            unlink(temporary.path)
            throw ReportError(.writeFailed, "cannot write \(url.path)", underlying: failure)
        }
    }

    private static func lastError() -> POSIXError {
        POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
}
