import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Sandbox
import TestSupport

/// The control routes of a running sandbox (`/_sandbox/…`), over real HTTP.
struct SandboxControl: Sendable {
    let endpoints: SandboxEndpoints

    /// A sandbox configuration like the scaled-down demo's: fixed seed and present, no rate limits, and injected
    /// 429s announcing a one-second reset.
    static func configuration(organizations: Int = 2, patients: Int, faults: FaultSpec = FaultSpec())
        -> SandboxServer.Configuration
    {
        SandboxServer.Configuration(
            port: 0, seed: 42, organizationCount: organizations, patientsPerOrganization: patients,
            now: Date(timeIntervalSince1970: 1_772_323_200), faults: faults, rateLimits: .unlimited,
            options: .init(injectedRateLimitResetSeconds: 1)
        )
    }

    /// Moves the simulated present `days` ahead, changing every organization's data.
    func advance(days: Int) async throws -> AdvanceReport {
        let bytes = try await send(.POST, "/advance", body: #"{"days": \#(days)}"#)
        return try JSONDecoder().decode(AdvanceReport.self, from: Data(bytes))
    }

    /// Replaces the fault spec (text form).
    func setFaults(_ spec: String) async throws {
        _ = try await send(.POST, "/faults", body: #"{"spec": "\#(spec)"}"#)
    }

    /// The kinds of fault injected since the spec was set.
    func injectedFaultKinds() async throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: Data(try await send(.GET, "/faults"))) as? [String: Any]
        let injected = object?["injected"] as? [[String: Any]] ?? []
        return Set(injected.compactMap { $0["kind"] as? String })
    }

    /// Requests each API answered since the sandbox started, by API name (`cliniko`, `chatwoot`, `clerk`).
    func requestsPerAPI() async throws -> [String: Int] {
        let object = try JSONSerialization.jsonObject(with: Data(try await send(.GET, "/stats"))) as? [String: Any]
        return object?["apis"] as? [String: Int] ?? [:]
    }

    /// The canonical records of one organization's resource (Clerk resources: `organization` is `clerk`).
    func truth(_ resource: String, organization: String) async throws -> [[String: Any]] {
        let bytes = try await send(.GET, "/truth/\(organization)/\(resource)")
        return try String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
            guard let object = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
                throw ControlError(message: "a truth line is not a JSON object")
            }
            return object
        }
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: endpoints.controlURL + path)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60), logger: TestDatabase.logger)
        let bytes = Array(try await response.body.collect(upTo: 512 << 20).readableBytesView)
        guard response.status == .ok else {
            throw ControlError(
                message: "\(method) \(path): \(response.status) \(String(decoding: bytes.prefix(300), as: UTF8.self))")
        }
        return bytes
    }
}

/// A control route answered with an error.
struct ControlError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The `id` of a truth object as text.
func truthID(_ object: [String: Any]) -> String {
    jsonText(object["id"])
}

/// A JSON value as text: strings as they are, numbers and booleans printed, null and absent as "".
func jsonText(_ value: Any?) -> String {
    switch value {
    case let string as String: string
    case let number as NSNumber: number.stringValue
    default: ""
    }
}
