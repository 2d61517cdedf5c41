import Foundation

/// Splits a SQL script into statements, because the extended query protocol runs one statement at a time.
///
/// Understands `--` and `/* */` comments, single-quoted strings, double-quoted identifiers and dollar-quoted bodies
/// (`$$ … $$`, `$tag$ … $tag$`), so semicolons inside them do not split.
package enum SQLScript {
    /// The statements of `script`, without their terminating semicolons, skipping empty ones.
    package static func statements(in script: String) -> [String] {
        let characters = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let statement = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty, !isOnlyComments(statement) { statements.append(statement) }
            current.removeAll()
        }

        while index < characters.count {
            let character = characters[index]
            let next: Unicode.Scalar? = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "-" where next == "-":
                while index < characters.count, characters[index] != "\n" {
                    current.append(characters[index])
                    index += 1
                }
                continue
            case "/" where next == "*":
                let end = find(["*", "/"], in: characters, from: index + 2)
                current.append(contentsOf: characters[index..<end])
                index = end
                continue
            case "'", "\"":
                var end = index + 1
                while end < characters.count {
                    if characters[end] == character {
                        if end + 1 < characters.count, characters[end + 1] == character {
                            end += 2
                            continue
                        }
                        end += 1
                        break
                    }
                    end += 1
                }
                current.append(contentsOf: characters[index..<min(end, characters.count)])
                index = end
                continue
            case "$":
                if let tagEnd = dollarTagEnd(characters, from: index) {
                    let tag = Array(characters[index...tagEnd])
                    let end = find(tag, in: characters, from: tagEnd + 1)
                    current.append(contentsOf: characters[index..<end])
                    index = end
                    continue
                }
            case ";":
                flush()
                index += 1
                continue
            default:
                break
            }
            current.append(character)
            index += 1
        }
        flush()
        return statements
    }

    /// The index just past the first occurrence of `pattern` at or after `start`, or the end.
    private static func find(_ pattern: [Unicode.Scalar], in characters: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        while index + pattern.count <= characters.count {
            if Array(characters[index..<(index + pattern.count)]) == pattern { return index + pattern.count }
            index += 1
        }
        return characters.count
    }

    /// For `$tag$` starting at `start`, the index of its closing `$`; `nil` when this `$` is not a dollar quote.
    private static func dollarTagEnd(_ characters: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        while index < characters.count {
            let character = characters[index]
            if character == "$" { return index }
            guard
                character == "_" || character.properties.isAlphabetic
                    || (index > start + 1 && ("0"..."9").contains(character))
            else { return nil }
            index += 1
        }
        return nil
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
    }
}
