import Foundation

/// A validator for the subset of JSON Schema that `docs/summary.schema.json` uses: `type`, `properties`,
/// `required`, `additionalProperties: false`, `items`, `maxItems`, `enum`, `const`, `minimum`, `maximum`,
/// `pattern`, `format: date-time` (no Booleans) and local `$ref`s into `$defs`.
struct JSONSchemaValidator {
    let root: [String: Any]

    init(contentsOf url: URL) throws {
        root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// Every violation, as `path: problem`; empty when `instance` is valid.
    func validate(_ instance: Any) -> [String] {
        var problems: [String] = []
        check(instance, against: root, path: "$", problems: &problems)
        return problems
    }

    private func check(_ value: Any, against schema: [String: Any], path: String, problems: inout [String]) {
        if let reference = schema["$ref"] as? String {
            let name = String(reference.dropFirst("#/$defs/".count))
            let definitions = root["$defs"] as? [String: Any] ?? [:]
            guard let target = definitions[name] as? [String: Any] else {
                problems.append("\(path): unknown $ref \(reference)")
                return
            }
            check(value, against: target, path: path, problems: &problems)
            return
        }
        if let expected = schema["const"], !Self.equal(value, expected) {
            problems.append("\(path): expected \(expected)")
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal(value, $0) }) {
            problems.append("\(path): \(value) not in enum")
        }
        if let type = schema["type"] as? String, !Self.matches(value, type: type) {
            problems.append("\(path): expected \(type), got \(Swift.type(of: value))")
            return
        }
        if let number = value as? NSNumber, !(value is Bool) {
            if let minimum = schema["minimum"] as? Double, number.doubleValue < minimum {
                problems.append("\(path): below \(minimum)")
            }
            if let maximum = schema["maximum"] as? Double, number.doubleValue > maximum {
                problems.append("\(path): above \(maximum)")
            }
        }
        if let string = value as? String {
            if let pattern = schema["pattern"] as? String, string.range(of: pattern, options: .regularExpression) == nil
            {
                problems.append("\(path): \(string) does not match \(pattern)")
            }
            if schema["format"] as? String == "date-time", (try? Date.ISO8601FormatStyle().parse(string)) == nil {
                problems.append("\(path): \(string) is not a date-time")
            }
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path): missing \(key)")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, member) in object {
                if let propertySchema = properties[key] as? [String: Any] {
                    check(member, against: propertySchema, path: "\(path).\(key)", problems: &problems)
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path): unexpected \(key)")
                }
            }
        }
        if let array = value as? [Any] {
            if let maxItems = schema["maxItems"] as? Int, array.count > maxItems {
                problems.append("\(path): more than \(maxItems) items")
            }
            if let items = schema["items"] as? [String: Any] {
                for (index, element) in array.enumerated() {
                    check(element, against: items, path: "\(path)[\(index)]", problems: &problems)
                }
            }
        }
    }

    private static func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "integer":
            guard let number = value as? NSNumber, !isBool(value) else { return false }
            return number.doubleValue == number.doubleValue.rounded()
        case "number": return value is NSNumber && !isBool(value)
        case "null": return value is NSNull
        default: return false
        }
    }

    /// Report documents hold no Booleans; Foundation on Linux cannot tell them from numbers reliably.
    private static func isBool(_ value: Any) -> Bool {
        false
    }

    private static func equal(_ a: Any, _ b: Any) -> Bool {
        (a as? NSObject)?.isEqual(b) ?? false
    }
}
