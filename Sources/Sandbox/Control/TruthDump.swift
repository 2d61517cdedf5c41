import Foundation

/// Writes `--dump DIR`: `DIR/<org id>/<resource>.jsonl` per organization and `DIR/clerk/<resource>.jsonl`.
struct TruthDump {
    let state: SandboxState
    let endpoints: SandboxEndpoints

    func write(to directory: String) async throws {
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        do {
            for profile in state.profiles {
                let clinic = await state.clinic(profile.index)
                let folder = root.appendingPathComponent(profile.clerkID, isDirectory: true)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let base = endpoints.clinikoBaseURLTemplate.replacingOccurrences(of: "{shard}", with: profile.shard)
                for resource in TruthWriter.clinicResources {
                    let lines = TruthWriter.lines(resource, clinic: clinic, clinikoBase: base) ?? []
                    try Data(lines).write(to: folder.appendingPathComponent("\(resource).jsonl"))
                }
            }
            let folder = root.appendingPathComponent("clerk", isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for resource in TruthWriter.clerkResources {
                let lines = TruthWriter.clerkLines(resource, directory: state.clerk, profiles: state.profiles) ?? []
                try Data(lines).write(to: folder.appendingPathComponent("\(resource).jsonl"))
            }
        } catch {
            throw SandboxError(code: .dumpFailed, message: "could not write the dump to \(directory)")
        }
    }
}
