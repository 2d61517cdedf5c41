import Foundation

/// What faults to inject, how often, and with which seed; settable with `--faults` or `POST /_sandbox/faults`.
///
/// Text form (for `--faults`): comma-separated items `KIND:TRIGGER[:PARAMETER]`, plus `seed:N` and
/// `api:cliniko+chatwoot+clerk`. `TRIGGER` is a probability (`0.05`), a schedule of request ordinals
/// (`@3/7/12`, counting faultable API requests from 1) or a period (`%10`, every tenth request).
/// `PARAMETER` is the delay in milliseconds for `slow` (before the response) and `trickle` (between body bytes), and
/// the storm length for `429`.
/// Example: `seed:7,429:@5:3,503:0.02,slow:0.1:250,reset:@9,truncate:@11,duplicate:@2,change:@3`.
///
/// JSON form (for the control route): `{"seed":7,"apis":["cliniko"],"rules":[{"kind":"503","probability":0.02},
/// {"kind":"429","at":[5],"length":3},{"kind":"slow","every":10,"delay_ms":250}]}`.
public struct FaultSpec: Codable, Sendable, Equatable {
    /// Seed of the fault decisions; with the same seed and request sequence the same faults fire.
    public var seed: UInt64
    /// APIs the faults apply to (`cliniko`, `chatwoot`, `clerk`); `nil` means all three.
    public var apis: [String]?
    /// The rules, checked in order; the first that fires wins.
    public var rules: [FaultRule]

    /// Creates a spec.
    public init(seed: UInt64 = 0, apis: [String]? = nil, rules: [FaultRule] = []) {
        self.seed = seed
        self.apis = apis
        self.rules = rules
    }

    /// Parses the text form.
    ///
    /// - Throws: ``FaultSpec/ParseError`` naming the item that could not be read.
    public init(parsing text: String) throws(ParseError) {
        self.init()
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2 else { throw ParseError(item: item) }
            switch parts[0] {
            case "seed":
                guard let seed = UInt64(parts[1]) else { throw ParseError(item: item) }
                self.seed = seed
            case "api", "apis":
                apis = parts[1].split(separator: "+").map(String.init)
            default:
                guard let kind = FaultKind(rawValue: parts[0]) else { throw ParseError(item: item) }
                var rule = FaultRule(kind: kind)
                let trigger = parts[1]
                if trigger.hasPrefix("@") {
                    let ordinals = trigger.dropFirst().split(separator: "/").map { Int($0) }
                    guard !ordinals.isEmpty, ordinals.allSatisfy({ ($0 ?? 0) > 0 }) else {
                        throw ParseError(item: item)
                    }
                    rule.at = ordinals.compactMap { $0 }
                } else if trigger.hasPrefix("%") {
                    guard let every = Int(trigger.dropFirst()), every > 0 else { throw ParseError(item: item) }
                    rule.every = every
                } else {
                    guard let probability = Double(trigger), (0...1).contains(probability) else {
                        throw ParseError(item: item)
                    }
                    rule.probability = probability
                }
                if parts.count > 2 {
                    guard let parameter = Int(parts[2]), parameter >= 0 else { throw ParseError(item: item) }
                    switch kind {
                    case .slow, .trickle: rule.delayMilliseconds = parameter
                    default: rule.length = parameter
                    }
                }
                rules.append(rule)
            }
        }
    }

    /// A `--faults` item that could not be parsed.
    public struct ParseError: Error, CustomStringConvertible {
        /// The offending item.
        public var item: String
        /// A readable description.
        public var description: String { "Invalid fault spec item '\(item)'" }
    }
}
