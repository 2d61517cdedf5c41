/// Expands `${VAR}` and `${VAR:-default}` in pipeline-file values.
///
/// `$$` stands for a literal `$`. A variable that is unset (or set but empty, for `:-`) takes the default; one that
/// is unset with no default is a problem reported with its offset, and expands to an empty string.
package struct EnvironmentInterpolator: Sendable {
    /// A problem found while expanding one value.
    package struct Problem: Sendable, Hashable {
        /// Offset of the `${` in the value, in Unicode scalars.
        package var offset: Int
        /// The message, e.g. "environment variable 'X' is not set and has no default".
        package var message: String
    }

    /// The variables to expand from.
    package let environment: [String: String]

    /// Creates an interpolator over an explicit environment (stage code never reads the process environment).
    package init(environment: [String: String]) {
        self.environment = environment
    }

    /// Expands every reference in `text`.
    ///
    /// - Parameter text: A scalar value as written in the file.
    /// - Returns: The expanded value and any problems.
    package func expand(_ text: String) -> (value: String, problems: [Problem]) {
        guard text.contains("$") else { return (text, []) }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var problems: [Problem] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "$", index + 1 < scalars.count else {
                output.append(scalar)
                index += 1
                continue
            }
            if scalars[index + 1] == "$" {
                output.append("$")
                index += 2
                continue
            }
            guard scalars[index + 1] == "{" else {
                output.append(scalar)
                index += 1
                continue
            }
            guard let close = scalars[(index + 2)...].firstIndex(of: "}") else {
                problems.append(
                    Problem(offset: index, message: "unterminated '${' (write ${NAME} or ${NAME:-default})"))
                return (String(output), problems)
            }
            let body = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
            let name: String
            let fallback: String?
            if let separator = body.range(of: ":-") {
                name = String(body[..<separator.lowerBound])
                fallback = String(body[separator.upperBound...])
            } else {
                name = body
                fallback = nil
            }
            if !Self.isValidName(name) {
                problems.append(
                    Problem(
                        offset: index,
                        message: "'${\(body)}' is not a valid variable reference (names are letters, digits and '_')")
                )
            } else if let value = environment[name], !(fallback != nil && value.isEmpty) {
                output.append(contentsOf: value.unicodeScalars)
            } else if let fallback {
                output.append(contentsOf: fallback.unicodeScalars)
            } else {
                problems.append(
                    Problem(
                        offset: index,
                        message:
                            "environment variable '\(name)' is not set and has no default (write ${\(name):-default} to give one)"
                    )
                )
            }
            index = close + 1
        }
        return (String(output), problems)
    }

    /// Whether `name` is a shell-style variable name.
    package static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }
}
