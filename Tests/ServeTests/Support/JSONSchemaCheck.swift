import Foundation

/// A JSON value as decoded, keeping booleans and numbers apart (Foundation's `JSONSerialization` does not).
enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

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

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    subscript(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var object: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    var array: [JSONValue]? { if case .array(let value) = self { value } else { nil } }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value): "\(value)"
        case .string(let value): "\"\(value.prefix(60))\""
        case .array(let value): "array(\(value.count))"
        case .object(let value): "object(\(value.keys.sorted().prefix(5).joined(separator: ",")))"
        }
    }
}

/// A small JSON Schema (2020-12 subset) checker for the API's responses against its OpenAPI document: `type`
/// (with type lists), `required`, `properties`, `additionalProperties`, `items`, `enum`, `const`,
/// `minimum`/`maximum`, `oneOf`/`anyOf` and local `$ref`. Enough for the document's own schemas.
struct JSONSchemaCheck {
    let document: JSONValue

    /// The mistakes in `value` against `schema`, each with its JSON path; empty when it validates.
    func problems(_ value: JSONValue, against schema: JSONValue, path: String = "$") -> [String] {
        guard let rules = schema.object else { return [] }
        if let reference = rules["$ref"]?.string {
            guard let resolved = resolve(reference) else { return ["\(path): unresolvable \(reference)"] }
            return problems(value, against: resolved, path: path)
        }
        var problems: [String] = []
        if let alternatives = (rules["oneOf"] ?? rules["anyOf"])?.array {
            if !alternatives.contains(where: { self.problems(value, against: $0, path: path).isEmpty }) {
                problems.append("\(path): \(value) matches none of the alternatives")
            }
        }
        if let type = rules["type"] {
            let types = type.array?.compactMap(\.string) ?? type.string.map { [$0] } ?? []
            if !types.contains(where: { Self.isType(value, $0) }) {
                return problems + ["\(path): \(value) is not \(types.joined(separator: "|"))"]
            }
        }
        if let allowed = rules["enum"]?.array, !allowed.contains(value) {
            problems.append("\(path): \(value) is not one of the allowed values")
        }
        if let constant = rules["const"], constant != value {
            problems.append("\(path): \(value) is not \(constant)")
        }
        if case .number(let number) = value {
            if case .number(let minimum) = rules["minimum"], number < minimum {
                problems.append("\(path): \(number) < \(minimum)")
            }
            if case .number(let maximum) = rules["maximum"], number > maximum {
                problems.append("\(path): \(number) > \(maximum)")
            }
        }
        if let object = value.object {
            for case .string(let name) in rules["required"]?.array ?? [] where object[name] == nil {
                problems.append("\(path): missing \(name)")
            }
            let properties = rules["properties"]?.object ?? [:]
            for (name, member) in object.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[name] {
                    problems += self.problems(member, against: propertySchema, path: "\(path).\(name)")
                } else if rules["additionalProperties"] == .bool(false) {
                    problems.append("\(path): unexpected property \(name)")
                } else if let additional = rules["additionalProperties"], additional.object != nil {
                    problems += self.problems(member, against: additional, path: "\(path).\(name)")
                }
            }
        }
        if let array = value.array, let items = rules["items"] {
            for (index, element) in array.enumerated() {
                problems += self.problems(element, against: items, path: "\(path)[\(index)]")
            }
        }
        return problems
    }

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var current: JSONValue? = document
        for part in reference.dropFirst(2).split(separator: "/") { current = current?[String(part)] }
        return current
    }

    private static func isType(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array),
            ("object", .object):
            true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }
}
