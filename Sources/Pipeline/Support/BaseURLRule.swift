import Foundation

/// The rule every API base URL follows, in pipeline files and in the extract sources alike: `https`, or plain
/// `http` only to a loopback host (`127.0.0.0/8`, `::1`, `localhost`), where the in-process sandbox listens.
///
/// Requests to a base URL carry an organization's decrypted API credential in their headers; over plain HTTP to
/// any other host, anyone on the path could read it.
package enum BaseURLRule {
    /// Why a base URL is refused.
    package enum Problem: Sendable, Hashable {
        /// Not an absolute `http://` or `https://` URL with a host.
        case notHTTP
        /// `http://` to a host that is not loopback.
        case insecure
        /// The URL carries `user:password@` (a credential written into the URL).
        case userInfo

        /// A sentence fragment for messages: "must be …".
        package var requirement: String {
            switch self {
            case .notHTTP: "must be an http:// or https:// URL"
            case .insecure:
                "must use https:// (plain http:// is allowed only to a loopback host: 127.0.0.1, [::1] or localhost)"
            case .userInfo:
                "must not contain 'user:password@' (credentials come only from the credential vault)"
            }
        }
    }

    /// Checks one base URL.
    ///
    /// - Parameter text: The URL, after any `{shard}` placeholder was replaced.
    /// - Returns: Why it is refused, or `nil` when it may be used.
    package static func problem(with text: String) -> Problem? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return .notHTTP }
        if components.user != nil || components.password != nil { return .userInfo }
        if scheme == "http", !isLoopback(host: host) { return .insecure }
        return nil
    }

    /// Whether `host` (as a URL spells it; IPv6 with or without brackets) is a loopback address or `localhost`.
    ///
    /// Conservative: `127.0.0.1` to `127.255.255.255` in dotted-quad form, `::1` (also written out in full) and
    /// `localhost` (any case, optionally with a trailing dot); shorthand such as `127.1` is not recognised.
    package static func isLoopback(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "localhost." { return true }
        if host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        let values = octets.map { part -> Int? in
            guard (1...3).contains(part.count), part.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
            return Int(part).flatMap { $0 <= 255 ? $0 : nil }
        }
        return values.allSatisfy { $0 != nil } && values[0] == 127
    }
}
