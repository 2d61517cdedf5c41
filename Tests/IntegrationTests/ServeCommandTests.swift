import ArgumentParser
import Foundation
import Testing

@testable import routiq

/// `routiq serve`'s flags and its refusals before anything listens.
@Suite("routiq serve: flags and settings")
struct ServeCommandTests {
    @Test("flags parse with loopback:8080 by default; bad ports and bounds are usage errors")
    func flags() throws {
        let defaults = try #require(try RoutIQ.parseAsRoot(["serve"]) as? RoutIQ.Serve)
        #expect(defaults.host == "127.0.0.1" && defaults.port == 8080 && defaults.metricsPort == nil)
        #expect(!defaults.demo && !defaults.allowAnyAzp && defaults.poolSize == 16)
        let custom = try #require(
            try RoutIQ.parseAsRoot([
                "serve", "--host", "0.0.0.0", "--port", "9000", "--metrics-port", "9100", "--jwks-url",
                "https://clerk.example.com/.well-known/jwks.json", "--allow-any-azp", "--pool-size", "4",
            ]) as? RoutIQ.Serve)
        #expect(custom.port == 9000 && custom.metricsPort == 9100 && custom.allowAnyAzp && custom.poolSize == 4)
        for arguments in [
            ["serve", "--port", "70000"], ["serve", "--port", "9000", "--metrics-port", "9000"],
            ["serve", "--pool-size", "0"], ["serve", "--request-timeout", "0"], ["serve", "--host", ""],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try RoutIQ.parseAsRoot(arguments) }
        }
    }

    @Test("without the Clerk settings it refuses to start with exit code 2 and says which setting is missing")
    func missingSettings() async throws {
        let binary = try RoutiqExecutable.locate()
        for (environment, expected) in [
            ([String: String](), "CLERK_JWKS_URL"),
            (["CLERK_JWKS_URL": "http://127.0.0.1:9/jwks"], "CLERK_ISSUER"),
            (
                ["CLERK_JWKS_URL": "http://127.0.0.1:9/jwks", "CLERK_ISSUER": "https://clerk.example.com"],
                "CLERK_AUTHORIZED_PARTIES"
            ),
        ] {
            let (status, output) = try Self.run(binary, ["serve", "--port", "0"], environment: environment)
            #expect(status == 2, "\(environment)")
            #expect(output.contains(expected), "\(output)")
        }
    }

    static func run(_ binary: URL, _ arguments: [String], environment: [String: String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CLERK_") }
        variables.merge(environment) { $1 }
        process.environment = variables
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
