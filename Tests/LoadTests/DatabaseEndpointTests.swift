import Load
import Testing

@Suite("Database URLs")
struct DatabaseEndpointTests {
    @Test("TCP URL with password, port and sslmode")
    func tcp() throws {
        let endpoint = try DatabaseEndpoint(url: "postgres://app:p%40ss@db.example.com:6543/clinic?sslmode=require")
        #expect(endpoint.address == .tcp(host: "db.example.com", port: 6543))
        #expect(endpoint.username == "app")
        #expect(endpoint.password == "p@ss")
        #expect(endpoint.database == "clinic")
        #expect(endpoint.tls == .require)
        #expect(!endpoint.redactedDescription.contains("p@ss"))
    }

    @Test("url never holds the password; urlIncludingPassword does, for an environment variable")
    func passwordlessURL() throws {
        let endpoint = try DatabaseEndpoint(url: "postgres://app:p%40ss@db.example.com:6543/clinic?sslmode=require")
        #expect(endpoint.url == "postgresql://app@db.example.com:6543/clinic?sslmode=require")
        #expect(endpoint.urlIncludingPassword == "postgresql://app:p%40ss@db.example.com:6543/clinic?sslmode=require")
        #expect(try DatabaseEndpoint(url: endpoint.urlIncludingPassword) == endpoint)
        #expect(endpoint.passwordFileLine(password: "<password>") == "db.example.com:6543:clinic:app:<password>")
        let socket = DatabaseEndpoint(
            address: .socket(directory: "/run/pg:1", port: 5432), username: "u", database: "d")
        #expect(socket.passwordFileLine(password: "x") == "/run/pg\\:1:5432:d:u:x")
    }

    @Test(
        "removingPassword drops the password from the user information or the query and keeps everything else",
        arguments: [
            (
                "postgres://app:s3cret@db.example.com:6543/clinic?sslmode=require&application_name=x",
                "postgres://app@db.example.com:6543/clinic?sslmode=require&application_name=x"
            ),
            (
                "postgresql://app@db/clinic?password=s3cret&sslmode=disable",
                "postgresql://app@db/clinic?sslmode=disable"
            ),
            (
                "postgresql://app@/clinic?host=%2Ftmp%2Frun&password=s3cret",
                "postgresql://app@/clinic?host=%2Ftmp%2Frun"
            ),
            ("postgresql://app@db/clinic", "postgresql://app@db/clinic"),
        ])
    func removingPassword(_ url: String, _ expected: String) throws {
        let stripped = try DatabaseEndpoint.removingPassword(from: url)
        #expect(stripped == expected)
        #expect(!stripped.contains("s3cret"))
        #expect(try DatabaseEndpoint(url: stripped).password == nil)
    }

    @Test("libpq socket form round-trips through url")
    func socket() throws {
        let endpoint = try DatabaseEndpoint(url: "postgresql://routiq@/routiq?host=%2Ftmp%2Fx%2Frun&port=5432")
        #expect(endpoint.address == .socket(directory: "/tmp/x/run", port: 5432))
        #expect(endpoint.password == nil)
        #expect(try DatabaseEndpoint(url: endpoint.url) == endpoint)
    }

    @Test("defaults: port 5432, database = user, sslmode prefer")
    func defaults() throws {
        let endpoint = try DatabaseEndpoint(url: "postgresql://me@localhost")
        #expect(endpoint.address == .tcp(host: "localhost", port: 5432))
        #expect(endpoint.database == "me")
        #expect(endpoint.tls == .prefer)
    }

    @Test(
        "rejects other schemes and unknown sslmodes without echoing the URL",
        arguments: [
            "mysql://u:secretpw@h/d", "postgres://u:secretpw@h/d?sslmode=sometimes", "not a url",
        ])
    func invalid(_ url: String) {
        let error = #expect(throws: DatabaseError.self) { try DatabaseEndpoint(url: url) }
        #expect(error?.code == .invalidURL)
        #expect(error?.message.contains("secretpw") == false)
    }
}

@Suite("SQL scripts")
struct SQLScriptTests {
    @Test("splits on semicolons outside strings, identifiers, comments and dollar quotes")
    func splitting() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE "a;b" (x text DEFAULT 'it''s; fine');
            /* block; comment */ SELECT 1;
            DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;
            DO $tag$ SELECT ';' $tag$;

            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("DEFAULT 'it''s; fine')"))
        #expect(statements[2] == "DO $$ BEGIN PERFORM 1; PERFORM 2; END $$")
        #expect(statements[3] == "DO $tag$ SELECT ';' $tag$")
    }

    @Test("the shipped migrations split into many statements")
    func bundled() throws {
        let migrations = try SchemaMigration.bundled()
        #expect(migrations.map(\.version) == Array(1...migrations.count))
        #expect(SQLScript.statements(in: migrations[0].sql).count > 20)
    }
}
