#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive advisory lock on a file (`flock`), held for the duration of a closure.
///
/// Used so that two `routiq` processes starting the embedded cluster at the same moment do not both run `initdb`
/// or `pg_ctl start`.
package enum FileLock {
    /// Runs `body` while holding an exclusive lock on `path`, creating the file (mode 0600) if needed. A symbolic link
    /// at `path` is refused rather than followed.
    ///
    /// - Throws: ``DatabaseError`` when the lock file cannot be opened; whatever `body` throws.
    package static func withExclusiveLock<T>(at path: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw DatabaseError(.clusterSetupFailed, "cannot open the lock file \(path) (errno \(errno))")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw DatabaseError(.clusterSetupFailed, "cannot lock \(path) (errno \(errno))")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
