import Foundation

/// Decides whether the extract client follows one redirect.
///
/// Every request carries an API credential in its headers (Cliniko's Basic auth, Chatwoot's `Api-Access-Token`,
/// Clerk's Bearer key), so a redirect is followed only within the same origin (scheme, host and port) and never from
/// `https` to `http`; anything else is refused. The HTTP client itself never follows redirects
/// (``AsyncHTTPClient/HTTPClient/Configuration/extract``), because AsyncHTTPClient forwards every header but
/// `Authorization`, `Cookie` and `Origin` to another origin.
enum RedirectPolicy {
    /// What to do with one redirect response.
    enum Decision: Sendable, Hashable {
        /// Request this absolute URL next.
        case follow(String)
        /// Do not follow; a log-safe reason naming origins only (never a path, query or credential).
        case refuse(String)
    }

    /// The redirect statuses that carry a `Location` to follow.
    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// Decides whether to follow a redirect from `current` to `location`.
    ///
    /// - Parameters:
    ///   - current: The absolute URL that answered with a redirect.
    ///   - location: The response's `Location` header, absolute or relative; `nil` when absent.
    /// - Returns: ``Decision/follow(_:)`` with the absolute target, or ``Decision/refuse(_:)``.
    static func decide(from current: String, location: String?) -> Decision {
        guard let base = URL(string: current), let origin = origin(of: base) else {
            return .refuse("a redirect from an unparseable URL")
        }
        guard let location, !location.isEmpty,
            let target = URL(string: location.trimmingCharacters(in: .whitespaces), relativeTo: base)?.absoluteURL
        else {
            return .refuse("a redirect from \(origin) without a usable Location")
        }
        guard let targetOrigin = Self.origin(of: target) else {
            return .refuse("a redirect from \(origin) to a URL that is not http(s)")
        }
        if base.scheme?.lowercased() == "https", target.scheme?.lowercased() == "http" {
            return .refuse("a redirect from \(origin) to \(targetOrigin): from https to http")
        }
        if target.user != nil || target.password != nil {
            return .refuse("a redirect from \(origin) to a URL with 'user:password@'")
        }
        guard targetOrigin == origin else {
            return .refuse(
                "a redirect from \(origin) to \(targetOrigin): another origin, and requests carry credentials")
        }
        return .follow(target.absoluteString)
    }

    /// `scheme://host:port` with the default port written out, lower-cased; `nil` unless `http` or `https` with a host.
    static func origin(of url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host?.lowercased(), !host.isEmpty
        else { return nil }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost):\(port)"
    }
}
