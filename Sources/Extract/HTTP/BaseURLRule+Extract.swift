import Pipeline

extension BaseURLRule {
    /// Refuses a base URL that breaks the rule (not `https`, except plain `http` to loopback; no `user:password@`),
    /// whichever way it came: the pipeline's `base_url` (also checked by the parser) or a stored credential's.
    ///
    /// - Throws: ``ExtractError`` with ``ExtractError/Code/invalidConfiguration``; the message never quotes the URL.
    static func check(_ url: String, source: SourceKind, organizationID: String?) throws(ExtractError) {
        guard let problem = problem(with: url) else { return }
        throw ExtractError(
            code: .invalidConfiguration, source: source, resource: "*", organizationID: organizationID,
            message: "the \(source.rawValue) base URL \(problem.requirement)")
    }
}
