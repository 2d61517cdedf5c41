import Foundation
import Hummingbird

/// The sandbox's own routes under `/_sandbox/`: advance, faults, token, truth, stats.
struct ControlAPI: Sendable {
    let gateway: APIGateway
    let minter: SessionTokenMinter

    private var state: SandboxState { gateway.state }

    func register(on router: Router<BasicRequestContext>) {
        let group = router.group("_sandbox")
        group.post("advance") { request, _ in
            let body = await Self.body(request)
            struct Advance: Decodable { var days: Int }
            guard let advance = SandboxJSON.decode(Advance.self, from: body), (1...3650).contains(advance.days) else {
                return Self.error("body must be {\"days\": N} with 1 <= N <= 3650").response
            }
            return APIResponse.encoding(await state.advance(days: advance.days)).response
        }
        group.get("faults") { _, _ in await faultsDocument().response }
        group.post("faults") { request, _ in
            let body = await Self.body(request)
            struct Text: Decodable { var spec: String }
            let spec: FaultSpec
            if let text = SandboxJSON.decode(Text.self, from: body) {
                do throws(FaultSpec.ParseError) { spec = try FaultSpec(parsing: text.spec) } catch {
                    return Self.error(error.description).response
                }
            } else if let decoded = SandboxJSON.decode(FaultSpec.self, from: body) {
                spec = decoded
            } else {
                do throws(FaultSpec.ParseError) {
                    spec = try FaultSpec(parsing: String(decoding: body, as: UTF8.self))
                } catch {
                    return Self.error(error.description).response
                }
            }
            await gateway.faults.reset(to: spec)
            return await faultsDocument().response
        }
        group.delete("faults") { _, _ in
            await gateway.faults.reset(to: FaultSpec())
            return await faultsDocument().response
        }
        group.post("token") { request, _ in
            let body = await Self.body(request)
            let tokenRequest = body.isEmpty ? TokenRequest() : SandboxJSON.decode(TokenRequest.self, from: body)
            guard let tokenRequest else { return Self.error("invalid token request").response }
            do {
                let minted = try await minter.mint(
                    tokenRequest, directory: state.clerk, profiles: state.profiles,
                    issuer: "http://\(request.head.authority ?? "127.0.0.1")/clerk"
                )
                return APIResponse.encoding(minted).response
            } catch let failure as SessionTokenMinter.Failure {
                return Self.error(failure.message).response
            } catch {
                return Self.error("could not sign the token").response
            }
        }
        group.get("truth") { _, _ in await truthSummary().response }
        group.get("truth/:organization/:resource") { request, context in
            let organization = context.parameters.get("organization") ?? ""
            let resource = context.parameters.get("resource") ?? ""
            let host = request.head.authority ?? "127.0.0.1"
            let lines: [UInt8]?
            if organization == "clerk" {
                lines = TruthWriter.clerkLines(resource, directory: state.clerk, profiles: state.profiles)
            } else if let index = state.profiles.firstIndex(where: {
                $0.clerkID == organization || String($0.index) == organization
            }) {
                let clinic = await state.clinic(index)
                lines = TruthWriter.lines(
                    resource, clinic: clinic, clinikoBase: "http://\(host)/cliniko/\(clinic.profile.shard)/v1")
            } else {
                lines = nil
            }
            guard let lines else { return Self.error("unknown organization or resource", status: .notFound).response }
            return APIResponse(headers: [.contentType: "application/x-ndjson"], body: lines).response
        }
        group.get("stats") { _, _ in APIResponse.encoding(await gateway.stats.current()).response }
        group.delete("stats") { _, _ in
            await gateway.stats.reset()
            await gateway.limiter.reset()
            return APIResponse.encoding(await gateway.stats.current()).response
        }
    }

    private func faultsDocument() async -> APIResponse {
        struct Document: Encodable {
            var spec: FaultSpec
            var injected: [FaultInjector.Injection]
        }
        return .encoding(Document(spec: await gateway.faults.spec, injected: await gateway.faults.injected))
    }

    private func truthSummary() async -> APIResponse {
        struct Organization: Encodable {
            var id: String
            var index: Int
            var counts: [String: Int]
        }
        struct Summary: Encodable {
            var now: String
            var organizations: [Organization]
            var clerk: [String: Int]
        }
        var organizations: [Organization] = []
        for profile in state.profiles {
            let data = await state.clinic(profile.index).data
            organizations.append(
                Organization(
                    id: profile.clerkID, index: profile.index,
                    counts: [
                        "patients": data.patients.count, "individual_appointments": data.appointments.count,
                        "appointment_types": data.appointmentTypes.count, "practitioners": data.practitioners.count,
                        "businesses": data.businesses.count, "contacts": data.contacts.count,
                        "conversations": data.conversations.count,
                        "messages": data.conversations.reduce(0) { $0 + $1.messages.count },
                    ]
                )
            )
        }
        let clerk = state.clerk
        return .encoding(
            Summary(
                now: CivilTime.iso8601(await state.now), organizations: organizations,
                clerk: [
                    "users": clerk.users.count, "organizations": state.profiles.count,
                    "memberships": clerk.memberships.count,
                ]
            )
        )
    }

    static func body(_ request: Request) async -> [UInt8] {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 1 << 20) else { return [] }
        return Array(buffer.readableBytesView)
    }

    static func error(_ message: String, status: HTTPResponse.Status = .badRequest) -> APIResponse {
        var w = JSONWriter(capacity: 128)
        w.beginObject()
        w.field("error", message)
        w.endObject()
        return .json(w.bytes, status: status)
    }
}
