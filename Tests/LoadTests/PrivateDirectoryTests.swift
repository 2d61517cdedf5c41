import Foundation
import Load
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Real folders under the temporary directory; the owner checks use an expected owner other than the current user,
/// so they run without root too.
@Suite("Private folders of the embedded cluster")
struct PrivateDirectoryTests {
    let scratch: URL

    init() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "routiq-private-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    static func lstatus(_ path: String) -> stat {
        var status = stat()
        _ = lstat(path, &status)
        return status
    }

    /// A folder with mode 0755 and one file in it, standing in for `/etc`.
    func makeVictim() throws -> URL {
        let victim = scratch.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: false)
        chmod(victim.path, 0o755)
        try Data("keep".utf8).write(to: victim.appendingPathComponent("passwd"))
        return victim
    }

    @Test("a new folder is made with mode 0700 for its owner")
    func creates() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let path = scratch.appendingPathComponent("socket").path
        try PrivateDirectory.createOrVerify(atPath: path, owner: .current, purpose: "the socket folder")
        let status = Self.lstatus(path)
        #expect(status.st_mode & S_IFMT == S_IFDIR)
        #expect(status.st_mode & 0o7777 == 0o700)
        #expect(status.st_uid == geteuid())
        // Created again: already private, accepted as it is.
        try PrivateDirectory.createOrVerify(atPath: path, owner: .current, purpose: "the socket folder")
    }

    @Test("a symbolic link is refused by both kinds of preparation, and its target is untouched")
    func symbolicLink() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let victim = try makeVictim()
        let link = scratch.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim.path)
        let before = Self.lstatus(victim.path)

        let verified = #expect(throws: DatabaseError.self) {
            try PrivateDirectory.createOrVerify(atPath: link, owner: .current, purpose: "the socket folder")
        }
        #expect(verified?.message.contains(link) == true)
        #expect(verified?.message.contains("symbolic link") == true)
        let adopted = #expect(throws: DatabaseError.self) {
            try PrivateDirectory.createOrAdopt(atPath: link, mode: 0o700, owner: .current, purpose: "the data folder")
        }
        #expect(adopted?.message.contains("symbolic link") == true)

        let after = Self.lstatus(victim.path)
        #expect(after.st_mode == before.st_mode)
        #expect(after.st_uid == before.st_uid)
        #expect(after.st_gid == before.st_gid)
        #expect(Self.lstatus(link).st_mode & S_IFMT == S_IFLNK)
        #expect(FileManager.default.fileExists(atPath: victim.appendingPathComponent("passwd").path))
    }

    @Test("an existing folder with a wider mode or another owner is refused and left as it was")
    func wrongModeOrOwner() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let path = scratch.appendingPathComponent("socket").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        chmod(path, 0o755)
        let wide = #expect(throws: DatabaseError.self) {
            try PrivateDirectory.createOrVerify(atPath: path, owner: .current, purpose: "the socket folder")
        }
        #expect(wide?.message.contains("its mode is 0755, not 0700") == true)
        #expect(Self.lstatus(path).st_mode & 0o7777 == 0o755)

        chmod(path, 0o700)
        let stranger = PrivateDirectory.Owner(uid: geteuid() == 4242 ? 4243 : 4242, gid: getegid())
        let foreign = #expect(throws: DatabaseError.self) {
            try PrivateDirectory.createOrVerify(atPath: path, owner: stranger, purpose: "the socket folder")
        }
        #expect(foreign?.message.contains("it belongs to") == true)
        #expect(foreign?.message.contains(path) == true)
        #expect(Self.lstatus(path).st_uid == geteuid())
    }

    @Test("a folder to take over is refused when someone else owns it or it is a file")
    func adoptChecks() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let path = scratch.appendingPathComponent("home").path
        try PrivateDirectory.createOrAdopt(
            atPath: path + "/a/b", mode: 0o711, owner: nil, requiredOwner: geteuid(), createsParents: true,
            purpose: "ROUTIQ_HOME")
        #expect(Self.lstatus(path + "/a/b").st_mode & 0o7777 == 0o711)
        let other: uid_t = geteuid() == 4242 ? 4243 : 4242
        let foreign = #expect(throws: DatabaseError.self) {
            try PrivateDirectory.createOrAdopt(
                atPath: path + "/a/b", mode: 0o700, owner: nil, requiredOwner: other, purpose: "ROUTIQ_HOME")
        }
        #expect(foreign?.message.contains("it belongs to") == true)
        #expect(Self.lstatus(path + "/a/b").st_mode & 0o7777 == 0o711)
        let file = scratch.appendingPathComponent("file").path
        try Data().write(to: URL(fileURLWithPath: file))
        let notFolder = #expect(throws: DatabaseError.self) {
            try PrivateDirectory.createOrAdopt(atPath: file, mode: 0o700, owner: nil, purpose: "the log folder")
        }
        #expect(notFolder?.message.contains("not a folder") == true)
    }
}
