import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension EmbeddedCluster {
    /// Creates `ROUTIQ_HOME` (with its parents) or takes over an existing one owned by the current user.
    ///
    /// Mode 0700, or 0711 when another user runs the server: it must pass through (not list) the folder.
    func prepareHome() throws {
        try PrivateDirectory.createOrAdopt(
            atPath: configuration.home.path,
            mode: try serverAccount() == nil ? 0o700 : 0o711,
            owner: nil,
            requiredOwner: geteuid(),
            createsParents: true,
            purpose: "ROUTIQ_HOME"
        )
    }

    /// Creates the socket folder, or accepts an existing one only when it is private to the server's user.
    ///
    /// The folder may be under `/tmp` with a predictable name (``socketDirectory``), so an existing one is checked
    /// and never changed, and no intermediate folder is created.
    func prepareSocketDirectory() throws {
        try PrivateDirectory.createOrVerify(
            atPath: socketDirectory, owner: try serverOwner(), purpose: "the PostgreSQL socket folder")
    }

    /// Creates the data folder (mode 0700, given to the server's user) before `initdb`.
    ///
    /// An absent or empty folder is fine. A folder with files but no `PG_VERSION` is not a cluster RoutIQ finished
    /// making: it is left alone and starting stops, since it might hold anything.
    func prepareDataDirectory() throws {
        let path = dataDirectory.path
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            let entries: [String]
            do {
                entries = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                throw DatabaseError(
                    .clusterSetupFailed, "cannot list the data folder \(path): \(error.localizedDescription)")
            }
            guard entries.isEmpty else {
                throw DatabaseError(
                    .clusterSetupFailed,
                    "the data folder \(path) is not empty but has no PG_VERSION: it is not a PostgreSQL cluster "
                        + "RoutIQ made, or creating one (initdb) was interrupted. RoutIQ never deletes it: inspect it, "
                        + "and if nothing in it is needed, remove it by hand (rm -r '\(path)'); the next start then "
                        + "creates a new cluster."
                )
            }
        }
        try PrivateDirectory.createOrAdopt(
            atPath: path, mode: 0o700, owner: try serverOwner(), purpose: "the data folder")
    }

    /// Creates the server log's folder (mode 0700, given to the server's user).
    func prepareLogDirectory() throws {
        try PrivateDirectory.createOrAdopt(
            atPath: logFile.deletingLastPathComponent().path, mode: 0o700, owner: try serverOwner(),
            purpose: "the log folder")
    }

    /// Who owns the cluster's folders: the server's user when RoutIQ runs as root, else the current user.
    private func serverOwner() throws -> PrivateDirectory.Owner {
        guard let account = try serverAccount() else { return .current }
        return PrivateDirectory.Owner(uid: account.uid, gid: account.gid)
    }
}
