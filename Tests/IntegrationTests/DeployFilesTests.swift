import ArgumentParser
import Foundation
import Testing
import Yams

@testable import routiq

/// Checks the files under `deploy/` with what runs here (no Docker, Kubernetes or systemd): every YAML file parses,
/// and the `routiq` command line of each — the systemd units' `ExecStart=`, the crontab line, the CronJob's
/// container arguments and the Dockerfile's `ENTRYPOINT` + `CMD` — parses as a `routiq` command.
///
/// argument-parser answers `--help` with exit code 0 even after an unknown option, so `routiq … --help` alone would
/// not catch a misspelled flag; each command line is therefore also parsed in-process with `RoutIQ.parseAsRoot`,
/// which rejects unknown options and runs the commands' `validate()`.
@Suite("deploy/ files")
struct DeployFilesTests {
    static let deploy = CommandLineTests.packageRoot.appendingPathComponent("deploy")

    static func contents(_ path: String) throws -> String {
        try String(contentsOf: deploy.appendingPathComponent(path), encoding: .utf8)
    }

    static func files(under folder: String, suffix: String) throws -> [String] {
        let url = deploy.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(suffix) }.sorted()
            .map { "\(folder)/\($0)" }
    }

    /// Splits a shell command line into words: whitespace separates, single and double quotes group, a backslash
    /// escapes the next character outside single quotes.
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    current.append(character)
                }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == "\\" {
                escaped = true
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// The arguments after the `routiq` executable in a shell command line (looking inside `sh -c '…'`), up to the
    /// first shell operator or redirection; `nil` when no `routiq` is run.
    static func routiqArguments(inShellLine line: String) -> [String]? {
        let words = shellWords(line)
        guard let start = words.firstIndex(where: { $0 == "routiq" || $0.hasSuffix("/bin/routiq") }) else {
            for word in words where word.contains(" ") {
                if let inner = routiqArguments(inShellLine: word) { return inner }
            }
            return nil
        }
        let operators: Set<String> = ["&&", "||", ";", "|", "&", ">", ">>", "<", "2>&1"]
        return Array(
            words[(start + 1)...].prefix { !operators.contains($0) && !$0.hasPrefix(">") && !$0.hasPrefix("2>") })
    }

    /// Parses `arguments` as `routiq`'s own parser does, and runs `routiq arguments --help` with the built
    /// executable; returns the subcommand parsed.
    @discardableResult
    static func expectParses(_ arguments: [String], from source: String) throws -> (any ParsableCommand)? {
        var parsed: (any ParsableCommand)?
        do {
            parsed = try RoutIQ.parseAsRoot(arguments)
        } catch {
            Issue.record(
                "\(source): `routiq \(arguments.joined(separator: " "))` does not parse: \(RoutIQ.fullMessage(for: error))"
            )
        }
        let process = Process()
        process.executableURL = try RoutiqExecutable.locate()
        process.arguments = arguments + ["--help"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(source): routiq \(arguments) --help: \(text)")
        if let subcommand = arguments.first {
            #expect(text.contains("USAGE: routiq \(subcommand) "), "\(source): the help is the subcommand's: \(text)")
        }
        return parsed
    }

    @Test("the in-process parse rejects a misspelled flag, which --help alone does not")
    func checkCanFail() throws {
        #expect(throws: (any Error).self) {
            try RoutIQ.parseAsRoot(["run", "/etc/routiq/nightly.yml", "--deu"])
        }
        let process = Process()
        process.executableURL = try RoutiqExecutable.locate()
        process.arguments = ["run", "/etc/routiq/nightly.yml", "--deu", "--help"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "if --help started rejecting unknown flags, this note is out of date")
        #expect(
            Self.routiqArguments(inShellLine: "flock -n /l sh -c 'exec /usr/bin/routiq run a.yml --due' >>log 2>&1")
                == ["run", "a.yml", "--due"])
        #expect(
            Self.routiqArguments(inShellLine: "/usr/local/bin/routiq schedule \"my file.yml\"") == [
                "schedule", "my file.yml",
            ])
        #expect(Self.routiqArguments(inShellLine: "/usr/bin/true") == nil)
    }

    @Test("every YAML file under deploy/ parses")
    func yamlParses() throws {
        let enumerator = try #require(FileManager.default.enumerator(atPath: Self.deploy.path))
        var checked = 0
        while let path = enumerator.nextObject() as? String {
            guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else { continue }
            let documents = try Array(Yams.load_all(yaml: try Self.contents(path)))
            #expect(!documents.isEmpty, "\(path) has no document")
            for document in documents {
                let mapping = try #require(document as? [String: Any], "\(path): not a mapping")
                #expect(mapping["apiVersion"] is String && mapping["kind"] is String, "\(path): no apiVersion/kind")
            }
            checked += 1
        }
        #expect(checked >= 4)
    }

    @Test("systemd: the units' ExecStart command lines parse; a oneshot service with hardening, every 10 minutes")
    func systemd() throws {
        let units = try Self.files(under: "systemd", suffix: ".service")
        #expect(units.count >= 2)
        for unit in units {
            let text = try Self.contents(unit)
            let execStarts = text.split(separator: "\n").filter { $0.hasPrefix("ExecStart=") }
            #expect(execStarts.count == 1, "\(unit)")
            for line in execStarts {
                let arguments = try #require(Self.routiqArguments(inShellLine: String(line.dropFirst(10))), "\(unit)")
                try Self.expectParses(arguments, from: unit)
            }
            for setting in [
                "EnvironmentFile=/etc/routiq/routiq.env", "ProtectSystem=strict", "StateDirectory=routiq",
                "NoNewPrivileges=yes", "User=routiq",
            ] {
                #expect(text.contains("\n\(setting)\n"), "\(unit) lacks \(setting)")
            }
        }
        let service = try Self.contents("systemd/routiq.service")
        #expect(service.contains("\nType=oneshot\n"))
        let run = try #require(
            Self.routiqArguments(
                inShellLine: String(service.split(separator: "\n").first { $0.hasPrefix("ExecStart=") }!.dropFirst(10)))
        )
        #expect(run.first == "run" && run.contains("--due") && run.contains("--metrics-prom"))
        let timer = try Self.contents("systemd/routiq.timer")
        #expect(timer.contains("\nOnCalendar=*:0/10\n") && timer.contains("\nUnit=routiq.service\n"))
        let environment = try Self.contents("systemd/routiq.env.example")
        #expect(environment.contains("REPLACE_WITH"), "the env file holds placeholders only")
    }

    @Test("cron: one line, every 10 minutes, under flock, without %, whose routiq command parses")
    func cron() throws {
        let lines = try Self.contents("cron/routiq.crontab").split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) }
        try #require(lines.count == 1)
        let line = String(lines[0])
        let fields = line.split(separator: " ", maxSplits: 5)
        #expect(fields.prefix(5).joined(separator: " ") == "*/10 * * * *")
        #expect(!line.contains("%"), "cron turns % into a line break")
        #expect(fields.count == 6 && fields[5].hasPrefix("flock -n "))
        let arguments = try #require(Self.routiqArguments(inShellLine: String(fields[5])))
        #expect(arguments.first == "run" && arguments.contains("--due"))
        try Self.expectParses(arguments, from: "cron/routiq.crontab")
    }

    @Test("Kubernetes: a CronJob every 10 minutes, parallel, Forbid, non-root, secrets from the Secret; args parse")
    func kubernetes() throws {
        let cronJob = try #require(try Yams.load(yaml: try Self.contents("kubernetes/cronjob.yaml")) as? [String: Any])
        #expect(cronJob["kind"] as? String == "CronJob")
        let spec = try #require(cronJob["spec"] as? [String: Any])
        #expect(spec["schedule"] as? String == "*/10 * * * *")
        #expect(spec["concurrencyPolicy"] as? String == "Forbid")
        let job = try #require((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])
        #expect((job["parallelism"] as? Int ?? 0) > 1)
        let pod = try #require((job["template"] as? [String: Any])?["spec"] as? [String: Any])
        let podSecurity = try #require(pod["securityContext"] as? [String: Any])
        #expect(podSecurity["runAsNonRoot"] as? Bool == true)
        #expect((podSecurity["runAsUser"] as? Int ?? 0) > 0)
        let containers = try #require(pod["containers"] as? [[String: Any]])
        #expect(containers.count == 1)
        for container in containers {
            let command = container["command"] as? [String]
            #expect(command == nil || command == ["routiq"], "the image's ENTRYPOINT is routiq")
            let arguments = try #require(container["args"] as? [String])
            #expect(arguments.first == "run" && arguments.contains("--due"))
            try Self.expectParses(arguments, from: "kubernetes/cronjob.yaml")
            let resources = try #require(container["resources"] as? [String: Any])
            #expect(resources["requests"] is [String: Any])
            let environment = try #require(container["env"] as? [[String: Any]])
            for name in ["DATABASE_URL", "CREDENTIALS_ENCRYPTION_KEY"] {
                let variable = try #require(environment.first { $0["name"] as? String == name }, "\(name)")
                #expect(variable["value"] == nil, "\(name) is not written in the CronJob")
                let reference = (variable["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any]
                #expect(reference?["name"] as? String == "routiq", "\(name) comes from the Secret")
            }
            let security = try #require(container["securityContext"] as? [String: Any])
            #expect(security["allowPrivilegeEscalation"] as? Bool == false)
        }

        let secret = try #require(try Yams.load(yaml: try Self.contents("kubernetes/secret.yaml")) as? [String: Any])
        let values = try #require(secret["stringData"] as? [String: String])
        #expect(Set(values.keys) == ["database-url", "credentials-encryption-key"])
        #expect(values.values.allSatisfy { $0.contains("REPLACE_WITH") }, "placeholders only")
    }

    @Test("Kubernetes: the ConfigMap's pipeline file is valid (routiq validate)")
    func configMapPipeline() throws {
        let configMap = try #require(
            try Yams.load(yaml: try Self.contents("kubernetes/configmap.yaml")) as? [String: Any])
        let pipeline = try #require((configMap["data"] as? [String: String])?["nightly.yml"])
        #expect(pipeline.contains("schedule:") && pipeline.contains("full_schedule:"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("nightly.yml")
        try pipeline.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = try RoutiqExecutable.locate()
        process.arguments = ["validate", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
    }

    @Test(
        "Dockerfile: multi-stage, Swift 6.3 to build, non-root runtime with CA certificates and tzdata; ENTRYPOINT + CMD parse"
    )
    func dockerfile() throws {
        let text = try Self.contents("Dockerfile")
        let lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        let stages = lines.filter { $0.hasPrefix("FROM ") }
        #expect(stages.count == 2)
        #expect(stages.first?.hasPrefix("FROM swift:6.3") == true)
        #expect(text.contains("--static-swift-stdlib"))
        #expect(text.contains("ca-certificates") && text.contains("tzdata"))
        let user = try #require(lines.last { $0.hasPrefix("USER ") })
        #expect(!user.contains("root") && !user.hasPrefix("USER 0"))
        func exec(_ instruction: String) throws -> [String] {
            let line = try #require(lines.last { $0.hasPrefix(instruction + " ") }, "no \(instruction)")
            let json = Data(line.dropFirst(instruction.count + 1).utf8)
            return try JSONDecoder().decode([String].self, from: json)
        }
        let entrypoint = try exec("ENTRYPOINT")
        #expect(entrypoint == ["routiq"])
        let arguments = try exec("CMD")
        try Self.expectParses(arguments, from: "Dockerfile")
        #expect(
            FileManager.default.fileExists(atPath: Self.deploy.appendingPathComponent("Dockerfile.dockerignore").path))
    }
}
