import Load
import Testing

@Suite("Who runs the embedded server")
struct ServerAccountTests {
    static let postgres = ServerAccount(name: "postgres", uid: 101, gid: 104)
    static let nobody = ServerAccount(name: "nobody", uid: 65534, gid: 65534)
    static let builder = ServerAccount(name: "builder", uid: 1001, gid: 1001)

    /// A user database holding only `accounts`.
    static func users(_ accounts: ServerAccount...) -> (String) -> ServerAccount? {
        { name in accounts.first { $0.name == name } }
    }

    @Test("not root: the current user runs the server, whatever is configured")
    func notRoot() throws {
        #expect(try ServerAccount.resolve(isRoot: false, configured: nil, lookUp: Self.users()) == nil)
        #expect(try ServerAccount.resolve(isRoot: false, configured: "ghost", lookUp: Self.users()) == nil)
    }

    @Test("as root: ROUTIQ_PG_USER when set, else postgres")
    func root() throws {
        let users = Self.users(Self.postgres, Self.nobody, Self.builder)
        #expect(try ServerAccount.resolve(isRoot: true, configured: nil, lookUp: users) == Self.postgres)
        #expect(try ServerAccount.resolve(isRoot: true, configured: "builder", lookUp: users) == Self.builder)
    }

    @Test("as root with no postgres user and no ROUTIQ_PG_USER: an error saying what to do, never nobody")
    func noFallbackToNobody() {
        let error = #expect(throws: DatabaseError.self) {
            try ServerAccount.resolve(isRoot: true, configured: nil, lookUp: Self.users(Self.nobody, Self.builder))
        }
        #expect(error?.code == .clusterSetupFailed)
        #expect(error?.message.contains("there is no 'postgres' user") == true)
        #expect(error?.message.contains("create one") == true)
        #expect(error?.message.contains("set ROUTIQ_PG_USER") == true)
    }

    @Test("as root: a configured user that does not exist, or is root itself, is refused")
    func badConfiguredUser() {
        let users = Self.users(Self.postgres, ServerAccount(name: "toor", uid: 0, gid: 0))
        let missing = #expect(throws: DatabaseError.self) {
            try ServerAccount.resolve(isRoot: true, configured: "ghost", lookUp: users)
        }
        #expect(missing?.message.contains("'ghost', which does not exist") == true)
        let root = #expect(throws: DatabaseError.self) {
            try ServerAccount.resolve(isRoot: true, configured: "toor", lookUp: users)
        }
        #expect(root?.message.contains("refuses to run as root") == true)
    }
}
