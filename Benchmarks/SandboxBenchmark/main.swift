// SandboxBenchmark: how fast the sandbox serves 100-record Cliniko pages on loopback, and how much memory a
// 20,000-patient organization takes. Prints figures; asserts nothing.
//
//     swift run -c release SandboxBenchmark [patients] [seconds] [connections]
//
// The client is a minimal blocking HTTP/1.1 keep-alive client on its own threads, so it never competes with the
// server for Swift's cooperative thread pool.

import Foundation
import Logging
import Sandbox
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments
let patients = arguments.count > 1 ? Int(arguments[1]) ?? 20_000 : 20_000
let seconds = arguments.count > 2 ? Double(arguments[2]) ?? 5 : 5
let connections = arguments.count > 3 ? Int(arguments[3]) ?? 2 : 2

/// Resident set size in MiB, from /proc (Linux); 0 elsewhere.
func residentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kib / 1024
}

/// A blocking keep-alive HTTP/1.1 GET client over one TCP connection.
final class BlockingClient {
    private let socket: Int32
    private var buffer = [UInt8]()
    private var chunk = [UInt8](repeating: 0, count: 1 << 20)

    init(port: Int) {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var noDelay: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    deinit { close(socket) }

    /// Sends a GET and returns (status, body length); `body` receives the body when given.
    func get(_ path: String, headers: String, body: ((ArraySlice<UInt8>) -> Void)? = nil) -> (status: Int, bytes: Int) {
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)Connection: keep-alive\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
        var headerEnd: Int?
        while headerEnd == nil {
            guard fill() else { return (0, 0) }
            headerEnd = find([13, 10, 13, 10])
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        let length =
            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        let total = headerEnd! + 4 + length
        while buffer.count < total { guard fill() else { return (0, 0) } }
        body?(buffer[(headerEnd! + 4)..<total])
        buffer.removeFirst(total)
        return (status, length)
    }

    private func fill() -> Bool {
        let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        return buffer.withUnsafeBufferPointer { bytes in
            for index in 0...(bytes.count - pattern.count) where bytes[index] == pattern[0] {
                if bytes[index + 1] == pattern[1], bytes[index + 2] == pattern[2], bytes[index + 3] == pattern[3] {
                    return index
                }
            }
            return nil
        }
    }
}

/// CPU seconds (user + system) used by this process so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
}

struct Totals {
    var pages = 0
    var bytes = 0
    var errors = 0
    var finished = 0
}

var logger = Logger(label: "sandbox-benchmark")
logger.logLevel = .warning
let configuration = SandboxServer.Configuration(
    port: 0, seed: 1, organizationCount: 1, patientsPerOrganization: patients,
    now: ISO8601DateFormatter().date(from: "2026-03-01T09:00:00Z"), rateLimits: .unlimited
)

try await withRunningSandbox(configuration: configuration, logger: logger) { endpoints in
    let organization = endpoints.organizations[0]
    let port = Int(endpoints.baseURL.split(separator: ":").last ?? "0") ?? 0
    let prefix = String(organization.clinikoBaseURL.dropFirst(endpoints.baseURL.count))
    let headers =
        "Authorization: Basic \(Data("\(organization.clinikoAPIKey):".utf8).base64EncodedString())\r\n"
        + "User-Agent: RoutIQ benchmark (bench@routiq.example)\r\nAccept: application/json\r\n"

    let before = residentMiB()
    let generationStart = Date()
    let probe = BlockingClient(port: port)
    let all = "q%5B%5D=archived_at:*&q%5B%5D=cancelled_at:*"
    _ = probe.get("\(prefix)/patients?per_page=1", headers: headers)
    let generation = Date().timeIntervalSince(generationStart)
    let after = residentMiB()
    _ = probe.get("\(prefix)/individual_appointments?per_page=100&\(all)", headers: headers)
    var summaryBytes = Data()
    _ = probe.get("/_sandbox/truth", headers: "") { summaryBytes = Data($0) }
    let summary = try JSONSerialization.jsonObject(with: summaryBytes) as? [String: Any]
    let counts = ((summary?["organizations"] as? [[String: Any]])?.first?["counts"] as? [String: Int]) ?? [:]
    let appointmentPages = max((counts["individual_appointments"] ?? 100) / 100, 1)

    let totals = Mutex(Totals())
    let cpuBefore = cpuSeconds()
    let deadline = Date().addingTimeInterval(seconds)
    for worker in 0..<connections {
        Thread.detachNewThread {
            let client = BlockingClient(port: port)
            var page = 1 + worker * 997 % appointmentPages
            var local = Totals()
            while Date() < deadline {
                let reply = client.get(
                    "\(prefix)/individual_appointments?per_page=100&page=\(page)&\(all)", headers: headers)
                if reply.status == 200 {
                    local.pages += 1
                    local.bytes += reply.bytes
                } else {
                    local.errors += 1
                }
                page = page % appointmentPages + 1
            }
            totals.withLock {
                $0.pages += local.pages
                $0.bytes += local.bytes
                $0.errors += local.errors
                $0.finished += 1
            }
        }
    }
    while totals.withLock({ $0.finished }) < connections { try await Task.sleep(for: .milliseconds(50)) }
    let result = totals.withLock { $0 }
    let cpuPerPage = (cpuSeconds() - cpuBefore) / Double(max(result.pages, 1))
    let pagesPerSecond = Double(result.pages) / seconds
    let megabytesPerSecond = Double(result.bytes) / seconds / 1_048_576
    print(
        "sandbox benchmark: 1 organization, \(patients) patients, \(counts["individual_appointments"] ?? 0) appointments"
    )
    print(
        String(
            format: "generation: %.2f s, resident memory %.1f MiB -> %.1f MiB (+%.1f MiB for the organization)",
            generation, before, after, after - before))
    print(
        String(
            format: "individual_appointments, per_page=100, %d keep-alive connections, %.0f s:", connections, seconds))
    print(
        String(
            format: "  %.0f pages/s, %.1f MB/s, %.0f KiB/page, %d errors", pagesPerSecond, megabytesPerSecond,
            Double(result.bytes) / Double(max(result.pages, 1)) / 1024, result.errors))
    print(
        String(
            format: "  %.0f µs of CPU per page (server and client together; load-independent), load average %@",
            cpuPerPage * 1_000_000,
            (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8).split(separator: " ").first.map(String.init))
                ?? "?"
        )
    )
    print(String(format: "resident memory at end: %.1f MiB", residentMiB()))
}
