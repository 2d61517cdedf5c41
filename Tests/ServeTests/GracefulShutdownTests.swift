import Foundation
import PostgresNIO
import Testing

/// Stopping the server lets the requests it is answering finish, within the configured grace.
@Suite("Graceful shutdown")
struct GracefulShutdownTests {
    @Test("a request in flight when shutdown starts is answered in full")
    func inFlightRequestFinishes() async throws {
        let inflight = try await APIHarness.withAPI(
            configure: { configuration in
                configuration.leaseTimeout = .seconds(10)
                configuration.shutdownGrace = .seconds(10)
            }, poolSize: 1
        ) { api in
            let token = try await api.token(for: api.organizationA)
            let hold = try await ConnectionHold.take(from: api.client)
            let inflight = Task { try await api.get("/\(api.organizationA)/patients?limit=3", token: token) }
            try await Task.sleep(for: .milliseconds(300))
            Task {
                try await Task.sleep(for: .milliseconds(700))
                try await hold.release()
            }
            return inflight  // returning starts the graceful shutdown while the request waits for its connection
        }
        let reply = try await inflight.value
        #expect(reply.status == 200)
        #expect(try reply.json()["data"] as? [Any] != nil)
    }
}
