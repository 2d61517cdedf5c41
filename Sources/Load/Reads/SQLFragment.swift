import PostgresNIO

/// A piece of SQL whose text comes only from string literals in this module's code and whose values are bind
/// parameters, composable into a ``PostgresQuery``.
///
/// `PostgresQuery`'s own interpolation binds values but cannot splice one query into another; the read stores build
/// each statement from a fixed frame plus optional filter and keyset fragments, so they need both. Interpolating a
/// value (`"p.email = \(email)"`) binds it, exactly as `PostgresQuery` does; interpolating a fragment splices its
/// text and its binds, renumbered. There is deliberately no way to splice a `String` as SQL text.
struct SQLFragment: ExpressibleByStringInterpolation, Sendable {
    fileprivate enum Part: Sendable {
        case text(String)
        case value(any PostgresDynamicTypeEncodable & Sendable)
        case null
    }

    private var parts: [Part]

    init(stringLiteral value: StaticString) {
        parts = [.text(value.description)]
    }

    init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
    }

    /// No SQL at all: the neutral element of ``joined(_:separator:)``.
    static let empty: SQLFragment = ""

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var parts: [Part] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            parts.reserveCapacity(interpolationCount * 2 + 1)
        }

        mutating func appendLiteral(_ literal: StaticString) {
            parts.append(.text(literal.description))
        }

        /// Binds a value.
        mutating func appendInterpolation(_ value: some PostgresDynamicTypeEncodable & Sendable) {
            parts.append(.value(value))
        }

        /// Binds a value, or SQL `NULL`.
        mutating func appendInterpolation(_ value: (some PostgresDynamicTypeEncodable & Sendable)?) {
            if let value { parts.append(.value(value)) } else { parts.append(.null) }
        }

        /// Splices another fragment, with its binds.
        mutating func appendInterpolation(_ fragment: SQLFragment) {
            parts.append(contentsOf: fragment.parts)
        }
    }

    /// The fragments in order, with `separator` between them.
    static func joined(_ fragments: [SQLFragment], separator: StaticString) -> SQLFragment {
        var result = SQLFragment.empty
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { result.parts.append(.text(separator.description)) }
            result.parts.append(contentsOf: fragment.parts)
        }
        return result
    }

    /// The statement, with `$1`, `$2`, … in place of the values.
    var query: PostgresQuery {
        var sql = ""
        var binds = PostgresBindings(capacity: parts.count / 2)
        for part in parts {
            switch part {
            case .text(let text):
                sql += text
            case .value(let value):
                binds.append(value)
                sql += "$\(binds.count)"
            case .null:
                binds.appendNull()
                sql += "$\(binds.count)"
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}
