import Foundation

/// A strict reader of Prometheus's text exposition format (0.0.4), as far as the textfile collector needs it.
public enum PrometheusText {
    /// One sample: a family's name, its labels (unescaped) and its value.
    public struct Sample: Hashable, Sendable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    static func isMetricName(_ name: Substring) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" || first == ":" else {
            return false
        }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    static func isLabelName(_ name: Substring) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_", !name.hasPrefix("__") else {
            return false
        }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    static func parseValue(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }

    /// Parses one sample line; returns a problem when it is malformed.
    static func parseSample(_ line: Substring) -> Result<Sample, Problem> {
        var rest = line[...]
        let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
        let name = rest[..<nameEnd]
        guard isMetricName(name) else { return .failure(Problem("bad metric name in \(line)")) }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                guard let equals = rest.firstIndex(of: "=") else { return .failure(Problem("no = in \(line)")) }
                let label = rest[..<equals]
                guard isLabelName(label), labels[String(label)] == nil else {
                    return .failure(Problem("bad or repeated label name \(label) in \(line)"))
                }
                rest = rest[rest.index(after: equals)...]
                guard rest.first == "\"" else { return .failure(Problem("unquoted label value in \(line)")) }
                rest = rest.dropFirst()
                var value = ""
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\"" {
                        closed = true
                        break
                    }
                    if character == "\\" {
                        switch rest.first {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: return .failure(Problem("bad escape in \(line)"))
                        }
                        rest = rest.dropFirst()
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return .failure(Problem("unterminated label value in \(line)")) }
                labels[String(label)] = value
                if rest.first == "," {
                    rest = rest.dropFirst()
                } else if rest.first != "}" {
                    return .failure(Problem("expected , or } in \(line)"))
                }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 2, fields[0].isEmpty, let value = parseValue(fields[1]) else {
            return .failure(Problem("expected one space and a value (no timestamp) in \(line)"))
        }
        return .success(Sample(name: String(name), labels: labels, value: value))
    }

    struct Problem: Error, Hashable, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Every rule the text breaks; empty when it is well formed.
    public static func problems(in text: String) -> [String] {
        var problems: [String] = []
        if !text.isEmpty, !text.hasSuffix("\n") { problems.append("the text does not end with a line feed") }
        var typed: [String: String] = [:]
        var helped: Set<String> = []
        var finished: Set<String> = []
        var current: String?
        var series: Set<Sample> = []
        var sampled: Set<String> = []
        func enter(_ family: String) {
            if current != family {
                if let current { finished.insert(current) }
                if finished.contains(family) { problems.append("family \(family) is split") }
                current = family
            }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count >= 3, isMetricName(parts[2]) else {
                    problems.append("bad comment line \(line)")
                    continue
                }
                let family = String(parts[2])
                enter(family)
                if parts[1] == "HELP" {
                    if !helped.insert(family).inserted { problems.append("second HELP for \(family)") }
                    if typed[family] != nil { problems.append("HELP after TYPE for \(family)") }
                } else {
                    let kind = parts.count == 4 ? String(parts[3]) : ""
                    guard ["gauge", "counter", "untyped", "summary", "histogram"].contains(kind) else {
                        problems.append("bad type in \(line)")
                        continue
                    }
                    if typed.updateValue(kind, forKey: family) != nil { problems.append("second TYPE for \(family)") }
                    if (kind == "counter") != family.hasSuffix("_total") {
                        problems.append("only counters end in _total: \(family)")
                    }
                }
            } else if line.hasPrefix("#") {
                continue
            } else if line.isEmpty {
                problems.append("an empty line")
            } else {
                switch parseSample(line) {
                case .failure(let problem): problems.append(problem.description)
                case .success(let sample):
                    if typed[sample.name] == nil { problems.append("sample before its TYPE: \(line)") }
                    enter(sample.name)
                    sampled.insert(sample.name)
                    var key = sample
                    key.value = 0
                    if !series.insert(key).inserted { problems.append("duplicate series \(line)") }
                }
            }
        }
        for family in typed.keys where !sampled.contains(family) {
            problems.append("family \(family) has no samples")
        }
        return problems
    }

    /// The samples of a well-formed text.
    public static func samples(in text: String) -> [Sample] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { try? parseSample($0).get() }
    }
}
