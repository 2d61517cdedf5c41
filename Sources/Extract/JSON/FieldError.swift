/// A record-level decoding problem; its reason names fields, never values, so it is safe to log.
struct FieldError: Error, Hashable, CustomStringConvertible {
    /// For example "missing field `updated_at`".
    var reason: String

    var description: String { reason }

    /// A log-safe reason for any error thrown while decoding one record.
    static func reason(for error: any Error) -> String {
        switch error {
        case let error as FieldError:
            return error.reason
        case let error as DecodingError:
            switch error {
            case .keyNotFound(let key, let context):
                return "missing field `\(path(context.codingPath + [key]))`"
            case .valueNotFound(_, let context):
                return "null in required field `\(path(context.codingPath))`"
            case .typeMismatch(let type, let context):
                return "wrong type in `\(path(context.codingPath))` (expected \(type))"
            case .dataCorrupted(let context):
                return context.codingPath.isEmpty ? "malformed JSON" : "invalid value in `\(path(context.codingPath))`"
            @unknown default:
                return "undecodable record"
            }
        default:
            return "undecodable record"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
