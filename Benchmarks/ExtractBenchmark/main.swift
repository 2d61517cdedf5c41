// Full extract of one sandbox organization over loopback HTTP, with rate limits off, printing records/s, requests
// and peak memory per resource. Usage: ExtractBenchmark [patients] [prefetch]
//
// The sandbox runs in the same process; its generated data is in memory before the extract starts, so the peak
// reported per resource is reset after generation (Linux `clear_refs`) and measures the extract on top of it.

import AsyncHTTPClient
import Extract
import Foundation
import Logging
import Pipeline
import Sandbox

let arguments = CommandLine.arguments.dropFirst()
let patients = arguments.first.flatMap { Int($0) } ?? 20_000
let prefetch = arguments.dropFirst().first.flatMap { Int($0) } ?? 2
let logger = Logger(label: "routiq.extract.benchmark", factory: { _ in SwiftLogNoOpLogHandler() })

/// Resident set size and its peak in MiB (Linux), from `/proc/self/status`.
func memory() -> (current: Double, peak: Double) {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
    func value(_ key: String) -> Double {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
    return (value("VmRSS:"), value("VmHWM:"))
}

func resetPeakMemory() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

func measure<Record: Sendable>(_ name: String, _ pages: SourcePages<Record>, metrics: ExtractMetrics) async throws {
    resetPeakMemory()
    let before = metrics.snapshot()
    let start = ContinuousClock.now
    var records = 0
    var pageCount = 0
    try await withPrefetchedPages(pages, prefetch: prefetch) { pages in
        for try await page in pages {
            records += page.records.count + page.rejections.count
            pageCount += 1
        }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let after = metrics.snapshot()
    let (rss, peak) = memory()
    print(
        name.padding(toLength: 24, withPad: " ", startingAt: 0),
        String(
            format: "%9d records %6d pages %6d requests %7.2f s %9.0f records/s %6.1f MiB rss %6.1f MiB peak",
            records, pageCount, after.requests - before.requests, seconds, Double(records) / seconds, rss, peak))
}

let configuration = SandboxServer.Configuration(
    port: 0, seed: 1, organizationCount: 1, patientsPerOrganization: patients,
    now: Date(timeIntervalSince1970: 1_772_355_600), rateLimits: .unlimited)
try await withRunningSandbox(configuration: configuration, logger: logger) { endpoints in
    let organization = endpoints.organizations[0]
    let http = HTTPSettings(contactEmail: "bench@routiq.example", maxConcurrentRequests: 4)
    // Generate the sandbox data before measuring.
    var warm = HTTPClientRequest(url: endpoints.controlURL + "/truth")
    warm.method = .GET
    _ = try await HTTPClient.shared.execute(warm, timeout: .seconds(120), logger: logger).body.collect(upTo: 1 << 20)
    let (baseline, _) = memory()
    print("sandbox: \(patients) patients generated; rss \(String(format: "%.1f", baseline)) MiB; prefetch \(prefetch)")

    let metrics = ExtractMetrics()
    let cliniko = try ClinikoSource(
        configuration: .init(
            apiKey: organization.clinikoAPIKey,
            settings: ClinikoExtractSettings(
                common: ExtractSettings(
                    resources: ClinikoExtractSettings.resources, mode: .full, baseURL: organization.clinikoBaseURL,
                    requestsPerMinute: 0)),
            http: http, organizationID: organization.id),
        httpClient: .sharedForExtract, metrics: metrics, logger: logger)
    let chatwoot = try ChatwootSource(
        configuration: .init(
            accountID: organization.chatwootAccountID, apiAccessToken: organization.chatwootAPIAccessToken,
            settings: ChatwootExtractSettings(
                common: ExtractSettings(
                    resources: ChatwootExtractSettings.resources, mode: .full,
                    baseURL: organization.chatwootBaseURL, requestsPerMinute: 0)),
            http: http, organizationID: organization.id),
        httpClient: .sharedForExtract, metrics: metrics, logger: logger)

    let start = ContinuousClock.now
    try await measure("cliniko patients", cliniko.patients(since: nil), metrics: metrics)
    try await measure("cliniko appointments", cliniko.appointments(since: nil), metrics: metrics)
    try await measure("cliniko appointment_types", cliniko.appointmentTypes(since: nil), metrics: metrics)
    try await measure("cliniko practitioners", cliniko.practitioners(since: nil), metrics: metrics)
    try await measure("cliniko businesses", cliniko.businesses(since: nil), metrics: metrics)
    try await measure("chatwoot contacts", chatwoot.contacts(since: nil), metrics: metrics)
    try await measure("chatwoot conversations", chatwoot.conversations(since: nil), metrics: metrics)
    try await measure("chatwoot messages", chatwoot.messages(since: nil), metrics: metrics)
    let total = metrics.snapshot()
    let elapsed = ContinuousClock.now - start
    print(
        "total: \(total.records) records, \(total.requests) requests, \(total.bytes / 1_048_576) MiB of JSON in "
            + "\(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))); "
            + "retries \(total.retries), rejections \(total.rejections)")
}
