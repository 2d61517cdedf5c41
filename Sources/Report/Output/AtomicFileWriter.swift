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
        let file = try PendingFile(url: url)
        try file.write(data)
        try file.commit()
    }

    /// Starts replacing `url` with a file written in pieces; it appears at `url` when ``PendingFile/commit()`` is
    /// called, and is removed if it never is.
    func begin(_ url: URL) throws -> PendingFile {
        try PendingFile(url: url)
    }
}
