// A parsed JSON value whose types are kept apart (a Boolean is never a number), for claim type checks.
import Foundation

/// A JSON value, decoded with `JSONDecoder` so that numbers, Booleans and strings stay distinct.
enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses `bytes` as one JSON object, or returns `nil` when they are not valid JSON or not an object.
    ///
    /// - Parameter bytes: UTF-8 JSON text.
    /// - Returns: The object's members, or `nil`.
    static func parseObject(_ bytes: [UInt8]) -> [String: JSONValue]? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)),
            case .object(let members) = value
        else { return nil }
        return members
    }
}
