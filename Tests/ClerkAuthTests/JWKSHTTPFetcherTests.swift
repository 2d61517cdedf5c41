// The JWKS fetcher over real loopback HTTP: success, error statuses, size cap, timeout, redirects.
import AsyncHTTPClient
import ClerkAuth
import Hummingbird
import Logging
import NIOCore
import TestSupport
import Testing

@Suite("Fetching the JWKS over HTTP")
struct JWKSHTTPFetcherTests {
    private static let jsonHeaders: HTTPFields = [.contentType: "application/json"]
    private static let silent = Logger(label: "routiq.auth.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    private func fetchFailure(_ fetcher: JWKSHTTPFetcher) async -> JWKSError? {
        do {
            _ = try await fetcher.fetch()
            Issue.record("the fetch succeeded")
            return nil
        } catch let error as JWKSError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("a 200 JSON body is returned as is, and a verifier started from it accepts tokens")
    func fetchesDocument() async throws {
        let document = TestKeys.jwks([TestKeys.primary])
        try await LoopbackServer.with { router in
            router.get(".well-known/jwks.json") { _, _ in
                Response(status: .ok, headers: Self.jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: document)))
            }
        } _: { server in
            let fetcher = try JWKSHTTPFetcher(url: server.baseURL + "/.well-known/jwks.json", httpClient: .shared)
            #expect(try await fetcher.fetch() == document)
            let verifier = SessionTokenVerifier(
                configuration: .init(issuer: TokenMinter.issuer, authorizedParties: [TokenMinter.app]),
                fetchJWKS: { try await fetcher.fetch() }, now: { TokenMinter.epoch }, logger: Self.silent)
            try await verifier.start()
            let session = try await verifier.verify(authorization: "Bearer " + TokenMinter.token())
            #expect(session.organizationID == "org_alpha")
        }
    }

    @Test("a 500 is fetch_failed, and start reports it")
    func serverErrorFails() async throws {
        try await LoopbackServer.with { router in
            router.get("jwks") { _, _ in Response(status: .internalServerError) }
        } _: { server in
            let fetcher = try JWKSHTTPFetcher(url: server.baseURL + "/jwks", httpClient: .shared)
            let error = await fetchFailure(fetcher)
            #expect(error?.code == .fetchFailed)
            #expect(error?.reason.contains("500") == true)
            let verifier = SessionTokenVerifier(
                configuration: .init(issuer: TokenMinter.issuer, authorizedParties: nil),
                fetchJWKS: { try await fetcher.fetch() }, logger: Self.silent)
            let startError = await #expect(throws: JWKSError.self) { try await verifier.start() }
            #expect(startError?.code == .fetchFailed)
        }
    }

    @Test("a 404 is fetch_failed")
    func notFoundFails() async throws {
        try await LoopbackServer.with { _ in
        } _: { server in
            let fetcher = try JWKSHTTPFetcher(url: server.baseURL + "/missing", httpClient: .shared)
            #expect(await fetchFailure(fetcher)?.code == .fetchFailed)
        }
    }

    @Test("an unreachable server is fetch_failed")
    func unreachableFails() async throws {
        // Bind a port, then stop the server, so nothing listens there any more.
        let url = try await LoopbackServer.with { _ in
        } _: { server in
            server.baseURL + "/jwks"
        }
        let fetcher = try JWKSHTTPFetcher(url: url, httpClient: .shared, timeout: .milliseconds(500))
        #expect(await fetchFailure(fetcher)?.code == .fetchFailed)
    }

    @Test("a body over the size cap is fetch_failed")
    func oversizeBodyFails() async throws {
        try await LoopbackServer.with { router in
            router.get("jwks") { _, _ in
                Response(
                    status: .ok, headers: Self.jsonHeaders,
                    body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: " "), count: 64 * 1024)))
            }
        } _: { server in
            let fetcher = try JWKSHTTPFetcher(url: server.baseURL + "/jwks", httpClient: .shared, maximumBytes: 4096)
            let error = await fetchFailure(fetcher)
            #expect(error?.code == .fetchFailed)
            #expect(error?.reason.contains("4096") == true)
        }
    }

    @Test("a server that is slow to answer is fetch_failed after the timeout")
    func slowResponseTimesOut() async throws {
        try await LoopbackServer.with { router in
            router.get("jwks") { _, _ in
                try await Task.sleep(for: .seconds(3))
                return Response(status: .ok)
            }
        } _: { server in
            let fetcher = try JWKSHTTPFetcher(
                url: server.baseURL + "/jwks", httpClient: .shared, timeout: .milliseconds(200))
            let error = await fetchFailure(fetcher)
            #expect(error?.code == .fetchFailed)
        }
    }

    @Test("a body that trickles in slower than the timeout is fetch_failed")
    func slowBodyTimesOut() async throws {
        try await LoopbackServer.with { router in
            router.get("jwks") { _, _ in
                Response(
                    status: .ok, headers: Self.jsonHeaders,
                    body: ResponseBody { writer in
                        try await writer.write(ByteBuffer(string: "{\"keys\":["))
                        try await Task.sleep(for: .seconds(3))
                        try await writer.write(ByteBuffer(string: "]}"))
                        try await writer.finish(nil)
                    })
            }
        } _: { server in
            let fetcher = try JWKSHTTPFetcher(
                url: server.baseURL + "/jwks", httpClient: .shared, timeout: .milliseconds(300))
            #expect(await fetchFailure(fetcher)?.code == .fetchFailed)
        }
    }

    @Test("a redirect within the origin is followed")
    func sameOriginRedirectFollowed() async throws {
        let document = TestKeys.jwks([TestKeys.primary])
        try await LoopbackServer.with { router in
            router.get("old") { _, _ in Response(status: .movedPermanently, headers: [.location: "/jwks"]) }
            router.get("jwks") { _, _ in
                Response(status: .ok, headers: Self.jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: document)))
            }
        } _: { server in
            let following = try JWKSHTTPFetcher(url: server.baseURL + "/old", httpClient: .shared)
            #expect(try await following.fetch() == document)
            try await withNonFollowingClient { client in
                let fetcher = try JWKSHTTPFetcher(url: server.baseURL + "/old", httpClient: client)
                #expect(try await fetcher.fetch() == document)
            }
        }
    }

    @Test("a redirect to another origin is refused, by a client that follows redirects or not")
    func crossOriginRedirectRefused() async throws {
        let document = TestKeys.jwks([TestKeys.foreign])
        try await LoopbackServer.with { router in
            router.get("jwks") { _, _ in
                Response(status: .ok, headers: Self.jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: document)))
            }
        } _: { attacker in
            try await LoopbackServer.with { router in
                router.get("jwks") { _, _ in Response(status: .found, headers: [.location: attacker.baseURL + "/jwks"])
                }
            } _: { server in
                try await withNonFollowingClient { client in
                    let fetcher = try JWKSHTTPFetcher(url: server.baseURL + "/jwks", httpClient: client)
                    let error = await fetchFailure(fetcher)
                    #expect(error?.code == .fetchFailed)
                    #expect(error?.reason.contains("another origin") == true)
                    #expect(attacker.recorder.received.isEmpty)
                }
                let following = try JWKSHTTPFetcher(url: server.baseURL + "/jwks", httpClient: .shared)
                let error = await fetchFailure(following)
                #expect(error?.code == .fetchFailed)
                #expect(error?.reason.contains("another origin") == true)
            }
        }
    }

    @Test(
        "only absolute http and https URLs are accepted",
        arguments: [
            "ftp://clerk.example.com/jwks", "file:///etc/passwd", "/.well-known/jwks.json", "not a url",
            "https://user:secret@clerk.example.com/jwks",
        ])
    func refusesOtherURLs(url: String) {
        #expect(throws: JWKSError.self) { try JWKSHTTPFetcher(url: url, httpClient: .shared) }
    }

    private func withNonFollowingClient(_ body: (HTTPClient) async throws -> Void) async throws {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            try await body(client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
