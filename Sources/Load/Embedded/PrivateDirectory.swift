#if canImport(Glibc)
    package import Glibc
#elseif canImport(Darwin)
    package import Darwin
#endif

/// Creates and checks the embedded cluster's folders without ever following a symbolic link.
///
/// Modes and owners are set with `fchmod` and `fchown` on a descriptor opened with `O_NOFOLLOW | O_DIRECTORY`, never
/// by path, so a symbolic link planted where a folder is expected is refused instead of followed (a root RoutIQ
/// following one could hand `/etc` to the `postgres` user).
package enum PrivateDirectory {
    /// Who owns a folder.
    package struct Owner: Sendable, Hashable {
        /// The user id.
        package var uid: uid_t
        /// The group id.
        package var gid: gid_t

        /// Creates an owner.
        package init(uid: uid_t, gid: gid_t) {
            self.uid = uid
            self.gid = gid
        }

        /// The user RoutIQ runs as.
        package static var current: Owner { Owner(uid: geteuid(), gid: getegid()) }
    }

    /// Creates a folder that must be private from the start, or accepts an existing one only if it already is.
    ///
    /// For folders whose parent other users can write, such as the socket folder under `/tmp`: the folder is made
    /// with `mkdir` (mode 0700, no intermediate folders) and given to `owner`. An existing folder is accepted only
    /// when it is a real folder (not a symbolic link), owned by `owner`, with mode exactly 0700; it is never changed.
    ///
    /// - Parameters:
    ///   - path: The folder's absolute path.
    ///   - owner: Who must own it.
    ///   - purpose: What the folder is for, as named in error messages (e.g. "the socket folder").
    /// - Throws: ``DatabaseError/Code/clusterSetupFailed`` naming the path and what is wrong with it.
    package static func createOrVerify(atPath path: String, owner: Owner, purpose: String) throws {
        if mkdir(path, 0o700) == 0 {
            try withDescriptor(atPath: path, purpose: purpose) { descriptor, _ in
                try setMode(0o700, owner: owner, on: descriptor, path: path)
            }
            return
        }
        let failure = errno
        guard failure == EEXIST else {
            throw DatabaseError(.clusterSetupFailed, "cannot create \(purpose) \(path): \(describe(failure))")
        }
        var status = stat()
        guard lstat(path, &status) == 0 else {
            throw DatabaseError(.clusterSetupFailed, "cannot inspect \(purpose) \(path): \(describe(errno))")
        }
        if let problem = problem(with: status, expectedOwner: owner.uid, expectedMode: 0o700) {
            throw DatabaseError(
                .clusterSetupFailed,
                "refusing to use \(purpose) \(path): \(problem). RoutIQ creates this folder itself and never changes "
                    + "one it finds: another user may have made it to take over the database. Inspect it and remove "
                    + "it by hand, or set ROUTIQ_HOME to a shorter path so that the socket lives in $ROUTIQ_HOME/run."
            )
        }
    }

    /// Creates a folder inside a folder RoutIQ owns, or takes over an existing one, and sets its mode and owner.
    ///
    /// For `ROUTIQ_HOME` and the folders in it, which only RoutIQ's user can write. A symbolic link or a file at
    /// `path` is refused.
    ///
    /// - Parameters:
    ///   - path: The folder's absolute path.
    ///   - mode: Its permission bits.
    ///   - owner: Who it is given to; `nil` leaves it with the user RoutIQ runs as.
    ///   - requiredOwner: When set, an existing folder owned by anyone else is refused instead of taken over.
    ///   - createsParents: Whether missing parent folders are created too (for `ROUTIQ_HOME` itself); `false` by
    ///     default.
    ///   - purpose: What the folder is for, as named in error messages.
    /// - Throws: ``DatabaseError/Code/clusterSetupFailed`` naming the path and what is wrong with it.
    package static func createOrAdopt(
        atPath path: String,
        mode: mode_t,
        owner: Owner?,
        requiredOwner: uid_t? = nil,
        createsParents: Bool = false,
        purpose: String
    ) throws {
        if createsParents {
            try createParents(of: path, purpose: purpose)
        }
        if mkdir(path, mode) != 0, errno != EEXIST {
            throw DatabaseError(.clusterSetupFailed, "cannot create \(purpose) \(path): \(describe(errno))")
        }
        var status = stat()
        guard lstat(path, &status) == 0 else {
            throw DatabaseError(.clusterSetupFailed, "cannot inspect \(purpose) \(path): \(describe(errno))")
        }
        if let problem = problem(with: status, expectedOwner: requiredOwner, expectedMode: nil) {
            throw DatabaseError(.clusterSetupFailed, "refusing to use \(path) as \(purpose): \(problem)")
        }
        try withDescriptor(atPath: path, purpose: purpose) { descriptor, opened in
            guard opened.st_dev == status.st_dev, opened.st_ino == status.st_ino else {
                throw DatabaseError(.clusterSetupFailed, "\(purpose) \(path) was replaced while RoutIQ prepared it")
            }
            try setMode(mode, owner: owner, on: descriptor, path: path)
        }
    }

    /// What is wrong with an existing folder, from its `lstat`; `nil` when nothing is.
    ///
    /// - Parameters:
    ///   - status: The result of `lstat` (not `stat`: a symbolic link must be seen as one).
    ///   - expectedOwner: The user id that must own it; `nil` accepts any.
    ///   - expectedMode: The exact permission bits it must have; `nil` accepts any.
    /// - Returns: A short phrase such as "it is a symbolic link", or `nil`.
    package static func problem(with status: stat, expectedOwner: uid_t?, expectedMode: mode_t?) -> String? {
        switch status.st_mode & S_IFMT {
        case S_IFDIR: break
        case S_IFLNK: return "it is a symbolic link, not a folder"
        default: return "it is not a folder"
        }
        let mode = status.st_mode & 0o7777
        if let expectedMode, mode != expectedMode {
            return "its mode is \(octal(mode)), not \(octal(expectedMode))"
        }
        if let expectedOwner, status.st_uid != expectedOwner {
            return "it belongs to \(userDescription(status.st_uid)), not to \(userDescription(expectedOwner))"
        }
        return nil
    }

    // MARK: Internals

    private static func withDescriptor(
        atPath path: String,
        purpose: String,
        _ body: (Int32, stat) throws -> Void
    ) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw DatabaseError(
                .clusterSetupFailed, "cannot open \(purpose) \(path) (a symbolic link is refused): \(describe(errno))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw DatabaseError(.clusterSetupFailed, "cannot inspect \(purpose) \(path): \(describe(errno))")
        }
        try body(descriptor, status)
    }

    private static func setMode(_ mode: mode_t, owner: Owner?, on descriptor: Int32, path: String) throws {
        guard fchmod(descriptor, mode) == 0 else {
            throw DatabaseError(.clusterSetupFailed, "cannot set the mode of \(path): \(describe(errno))")
        }
        guard let owner else { return }
        guard fchown(descriptor, owner.uid, owner.gid) == 0 else {
            throw DatabaseError(
                .clusterSetupFailed, "cannot give \(path) to \(userDescription(owner.uid)): \(describe(errno))")
        }
    }

    private static func createParents(of path: String, purpose: String) throws {
        var prefix = ""
        for component in path.split(separator: "/").dropLast() {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw DatabaseError(
                    .clusterSetupFailed, "cannot create \(prefix) for \(purpose) \(path): \(describe(errno))")
            }
        }
    }

    private static func userDescription(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "user id \(uid)" }
        return "user '\(String(cString: name))' (id \(uid))"
    }

    private static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
