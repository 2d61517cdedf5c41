/// Expands `${VAR}` and `${VAR:-default}` in pipeline-file values.
///
/// `$$` stands for a literal `$`. A variable that is unset (or set but empty, for `:-`) takes the default; one that
/// is unset with no default is a problem reported with its offset, and expands to an empty string.
///
/// A variable that holds a secret is never expanded, whatever its value and even with a default: referencing one
/// is a problem. Secrets reach RoutIQ only through the environment it reads itself (`DATABASE_URL`,
/// `CREDENTIALS_ENCRYPTION_KEY`) and the credential vault (`routiq orgs set-credential`); a pipeline file could
/// otherwise send one anywhere, e.g. in a `base_url`. See ``isSecret(_:)`` for which names count.
package struct EnvironmentInterpolator: Sendable {
    /// A problem found while expanding one value.
    package struct Problem: Sendable, Hashable {
        /// Offset of the `${` in the value, in Unicode scalars.
        package var offset: Int
        /// The message, e.g. "environment variable 'X' is not set and has no default".
        package var message: String
    }

    /// Variables that always hold secrets: the vault key, the database URL (it may carry a password) and
    /// libpq's password settings.
    package static let secretVariables: Set<String> = [
        "CREDENTIALS_ENCRYPTION_KEY", "DATABASE_URL", "PGPASSWORD", "PGPASSFILE",
    ]

    /// Parts of a variable name that mark it as holding a secret (see ``isSecret(_:)``).
    package static let secretNameParts = ["KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "PASS", "CREDENTIAL"]

    /// The variables to expand from.
    package let environment: [String: String]

    /// Further names of variables that hold secrets, besides ``secretVariables`` and the name rule.
    package let additionalSecretVariables: Set<String>

    /// Creates an interpolator over an explicit environment (stage code never reads the process environment).
    ///
    /// - Parameters:
    ///   - environment: The variables to expand from.
    ///   - secretVariables: Further names of variables that hold secrets and must never be expanded; empty by
    ///     default.
    package init(environment: [String: String], secretVariables: Set<String> = []) {
        self.environment = environment
        self.additionalSecretVariables = secretVariables
    }

    /// Whether `name` names a variable that holds a secret and must never be expanded.
    ///
    /// True for ``secretVariables``, for the names given at creation, and, as a conservative rule, for any name with
    /// a word part (split at `_`, digits and lower-to-upper case changes, compared case-insensitively) that is or ends
    /// with one of ``secretNameParts`` (or its plural): `CLINIKO_API_KEY`, `APIKEY`, `ClerkSecretKey`, `DB_PASS`,
    /// `GITHUB_TOKENS`, `SMTP_PASSWORD2`. `KEYBOARD` or `PASSPORT` are not secrets by this rule; `MONKEY` is.
    ///
    /// - Parameter name: A variable name.
    /// - Returns: Whether it holds a secret.
    package func isSecret(_ name: String) -> Bool {
        if Self.secretVariables.contains(name) || additionalSecretVariables.contains(name) { return true }
        return Self.wordParts(of: name).contains { part in
            let upper = part.uppercased()
            return Self.secretNameParts.contains { upper.hasSuffix($0) || upper.hasSuffix($0 + "S") }
        }
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
            } else if isSecret(name) {
                problems.append(
                    Problem(
                        offset: index,
                        message:
                            "environment variable '\(name)' holds a secret and cannot be used in a pipeline file; secrets come only from the environment and the credential vault ('routiq orgs set-credential'), never from a pipeline file"
                    )
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

    /// The word parts of a variable name: split at `_`, at digits and where a lower-case letter is followed by an
    /// upper-case one (`clerkSecretKey` → `clerk`, `Secret`, `Key`).
    static func wordParts(of name: String) -> [String] {
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var previousIsLower = false
        for scalar in name.unicodeScalars {
            let isLetter = scalar.isASCII && scalar.properties.isAlphabetic
            let isUpper = isLetter && scalar.properties.isUppercase
            if !isLetter || (isUpper && previousIsLower) {
                if !current.isEmpty { parts.append(String(current)) }
                current = String.UnicodeScalarView()
            }
            if isLetter { current.append(scalar) }
            previousIsLower = isLetter && !isUpper
        }
        if !current.isEmpty { parts.append(String(current)) }
        return parts
    }
}
