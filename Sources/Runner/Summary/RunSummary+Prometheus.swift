package import Foundation
package import Load

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension RunSummary {
    /// The run as a Prometheus text file (``PrometheusTextfile``).
    ///
    /// - Parameters:
    ///   - standings: Every organization's standing with the pipeline, read after the run; `nil` when it could not
    ///     be read.
    ///   - finishedAt: When the run ended; now by default.
    package func prometheusTextfile(standings: [RunHistory.Standing]?, finishedAt: Date = Date()) -> PrometheusTextfile
    {
        PrometheusTextfile(
            pipeline: pipeline, outcomes: outcomes, standings: standings, seconds: seconds, finishedAt: finishedAt)
    }

    /// Writes the `--metrics-prom` file: the run and the organizations' standings in Prometheus's text format.
    ///
    /// The file is replaced atomically, as node_exporter's textfile collector requires: the text goes to a hidden
    /// temporary file in the same folder (which the collector ignores, as it reads only `*.prom`), is flushed to
    /// disk, made readable by everyone (mode 0644, so a node_exporter running as another user can read it) and
    /// renamed over `path`. A reader sees the old file or the new one, never a partial one.
    ///
    /// - Parameters:
    ///   - path: The file, e.g. `/var/lib/node_exporter/textfile/routiq.prom`.
    ///   - standings: Every organization's standing with the pipeline; `nil` when it could not be read.
    ///   - finishedAt: When the run ended; now by default.
    /// - Throws: When the temporary file cannot be written or renamed (it is removed).
    package func writePrometheusMetrics(
        to path: String, standings: [RunHistory.Standing]?, finishedAt: Date = Date()
    ) throws {
        let text = prometheusTextfile(standings: standings, finishedAt: finishedAt).text
        try Self.replaceAtomically(path: path, contents: Data(text.utf8))
    }

    /// Writes `contents` to a temporary file next to `path`, flushes it and renames it over `path`.
    static func replaceAtomically(path: String, contents: Data) throws {
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(getpid()).\(UUID().uuidString.prefix(8)).tmp")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o644])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: contents)
            try handle.synchronize()
            guard rename(temporary.path, target.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw CocoaError(
                    .fileWriteUnknown,
                    userInfo: [
                        NSFilePathErrorKey: target.path,
                        NSLocalizedDescriptionKey: "cannot rename \(temporary.path) to \(target.path): \(reason)",
                    ])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
