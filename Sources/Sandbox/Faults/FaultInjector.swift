/// Decides, per faultable API request, which fault (if any) to inject; seeded so a run can be replayed.
///
/// Decisions depend only on the seed, the rule and the request's ordinal, never on timing.
actor FaultInjector {
    /// A fault that fired, as listed by `GET /_sandbox/faults`.
    struct Injection: Codable, Sendable {
        var ordinal: Int
        var kind: FaultKind
        var route: String
    }

    private(set) var spec: FaultSpec
    private var ordinal = 0
    private var stormRemaining = 0
    private(set) var injected: [Injection] = []

    init(spec: FaultSpec) {
        self.spec = spec
    }

    /// Replaces the spec and restarts ordinals and the log.
    func reset(to spec: FaultSpec) {
        self.spec = spec
        ordinal = 0
        stormRemaining = 0
        injected = []
    }

    /// The fault for the next request of `api` on `route`, or `nil`.
    func next(api: String, route: String) -> FaultRule? {
        guard !spec.rules.isEmpty, spec.apis.map({ $0.contains(api) }) ?? true else { return nil }
        ordinal += 1
        if stormRemaining > 0 {
            stormRemaining -= 1
            let rule = FaultRule(kind: .rateLimited)
            injected.append(Injection(ordinal: ordinal, kind: .rateLimited, route: route))
            return rule
        }
        for (index, rule) in spec.rules.enumerated() where fires(rule, index: index) {
            if rule.kind == .rateLimited { stormRemaining = max((rule.length ?? 5) - 1, 0) }
            injected.append(Injection(ordinal: ordinal, kind: rule.kind, route: route))
            return rule
        }
        return nil
    }

    private func fires(_ rule: FaultRule, index: Int) -> Bool {
        if let at = rule.at, at.contains(ordinal) { return true }
        if let every = rule.every, every > 0, ordinal % every == 0 { return true }
        if let probability = rule.probability {
            return SplitMix64.unit(seed: spec.seed, UInt64(ordinal), UInt64(index)) < probability
        }
        return false
    }
}
