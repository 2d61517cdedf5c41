public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The embedded default's key file, `$ROUTIQ_HOME/credentials.key`: base64 of the key and a new line, mode 0600.
extension CredentialVault {
    /// Reads the key file, creating it with a random key when it does not exist.
    ///
    /// A new file is created with mode 0600 and flushed to disk together with its folder before the key is used, so
    /// no credential is ever sealed with a key that a power cut could lose.
    ///
    /// - Parameter url: Usually `$ROUTIQ_HOME/credentials.key`.
    /// - Throws: ``VaultError/Code/insecureKeyFile`` when an existing file lets other users read or change it (its
    ///   mode has group or other bits); ``VaultError/Code/invalidKey`` when it cannot be read or written, or does not
    ///   hold base64 of 32 bytes.
    public static func loadOrCreateKeyFile(at url: URL) throws -> CredentialVault {
        if let vault = try loadKeyFileIfPresent(at: url) { return vault }
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw VaultError(
                .invalidKey,
                "cannot create the folder of the credentials key file \(url.path): \(error.localizedDescription)")
        }
        let vault = try CredentialVault(keyData: makeRandomKey())
        guard try vault.writeKeyFileIfAbsent(to: url) else {
            // Another process created it first: use theirs.
            return try loadKeyFile(at: url)
        }
        return vault
    }

    /// Reads an existing key file; never creates one.
    ///
    /// - Parameter url: The key file.
    /// - Throws: ``VaultError/Code/missingKey`` when there is no such file; otherwise as
    ///   ``loadOrCreateKeyFile(at:)``.
    public static func loadKeyFile(at url: URL) throws -> CredentialVault {
        guard let vault = try loadKeyFileIfPresent(at: url) else {
            throw VaultError(.missingKey, "the credentials key file \(url.path) does not exist")
        }
        return vault
    }

    /// Writes this vault's key to a new file, mode 0600, and flushes the file and its folder to disk.
    ///
    /// - Parameter url: A file that must not exist yet.
    /// - Throws: ``VaultError/Code/invalidKey`` when the file exists or cannot be written (a partly written file is
    ///   removed).
    public func writeKeyFile(to url: URL) throws {
        guard try writeKeyFileIfAbsent(to: url) else {
            throw VaultError(.invalidKey, "cannot write the key file \(url.path): it already exists")
        }
    }

    /// Puts a key file written by ``writeKeyFile(to:)`` in place of another in one step, and flushes the folder.
    ///
    /// A `rename` within one folder: a reader sees the old file or the new one, never a mixture or nothing.
    ///
    /// - Parameters:
    ///   - destination: The key file to replace, e.g. `$ROUTIQ_HOME/credentials.key`.
    ///   - source: The new key file, in the same folder.
    /// - Throws: ``VaultError/Code/invalidKey`` when the file cannot be moved or the folder cannot be flushed.
    public static func replaceKeyFile(at destination: URL, with source: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw VaultError(
                .invalidKey, "cannot move \(source.path) over \(destination.path): \(describe(errno))")
        }
        try syncFolder(of: destination)
    }

    // MARK: Internals

    /// The vault in the key file, or `nil` when there is no file.
    private static func loadKeyFileIfPresent(at url: URL) throws -> CredentialVault? {
        let path = url.path
        let descriptor = openDescriptor(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let failure = errno
            if failure == ENOENT { return nil }
            throw VaultError(.invalidKey, "cannot read the credentials key file \(path): \(describe(failure))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw VaultError(.invalidKey, "the credentials key file \(path) is not a regular file")
        }
        let mode = status.st_mode & 0o7777
        guard mode & 0o077 == 0 else {
            throw VaultError(
                .insecureKeyFile,
                "the credentials key file \(path) has mode 0\(String(mode, radix: 8)), so other users may read or "
                    + "change it; RoutIQ will not use it until it is private: chmod 600 \(path)"
            )
        }
        let contents: Data
        do {
            contents = try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).readToEnd() ?? Data()
        } catch {
            throw VaultError(
                .invalidKey, "cannot read the credentials key file \(path): \(error.localizedDescription)")
        }
        return try CredentialVault(
            base64Key: String(decoding: contents, as: UTF8.self), origin: "the credentials key file \(path)")
    }

    /// Creates `url` with this vault's key, or returns `false` when the file already exists.
    private func writeKeyFileIfAbsent(to url: URL) throws -> Bool {
        let path = url.path
        let descriptor = openDescriptor(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let failure = errno
            if failure == EEXIST { return false }
            throw VaultError(.invalidKey, "cannot create the key file \(path): \(Self.describe(failure))")
        }
        var complete = false
        defer {
            close(descriptor)
            if !complete { unlink(path) }
        }
        var remaining = Array(base64KeyLine.utf8)[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                throw VaultError(.invalidKey, "cannot write the key file \(path): \(Self.describe(errno))")
            }
            remaining = remaining.dropFirst(written)
        }
        // The umask may have narrowed 0600 (to 0400, or to nothing): the owner must be able to read it back.
        guard fchmod(descriptor, 0o600) == 0, fsync(descriptor) == 0 else {
            throw VaultError(.invalidKey, "cannot flush the key file \(path) to disk: \(Self.describe(errno))")
        }
        complete = true
        try Self.syncFolder(of: url)
        return true
    }

    /// Flushes a folder's entries (a new or renamed file in it) to disk.
    private static func syncFolder(of url: URL) throws {
        let folder = url.deletingLastPathComponent().path
        let descriptor = openDescriptor(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw VaultError(.invalidKey, "cannot open \(folder) to flush it to disk: \(describe(errno))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw VaultError(.invalidKey, "cannot flush \(folder) to disk: \(describe(errno))")
        }
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// `open(2)`, which ``CredentialVault/open(_:organization:service:)`` hides inside the extension.
private func openDescriptor(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    open(path, flags, mode)
}
