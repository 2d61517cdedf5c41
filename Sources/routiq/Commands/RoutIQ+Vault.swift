import ArgumentParser
import Foundation
import Load
import Logging

extension RoutIQ {
    /// `routiq vault …`: the key that seals stored credentials.
    struct Vault: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the key that seals the stored service credentials.",
            discussion: """
                Credentials are sealed with CREDENTIALS_ENCRYPTION_KEY or, for the embedded database without it, \
                with the key in $ROUTIQ_HOME/credentials.key. Keys are read from files or environment variables, \
                never from the command line.
                """,
            subcommands: [Rotate.self]
        )
    }
}

extension RoutIQ.Vault {
    /// `routiq vault rotate`.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every stored credential of every organization under a new key, all or nothing.",
            discussion: """
                Every credential is opened with the old key before anything is written; if one does not open, \
                nothing changes. Then all are re-sealed with the new key in one transaction, with an audit row per \
                organization. Keys are base64 of 32 bytes (openssl rand -base64 32), read from a file or an \
                environment variable.

                Old key: --old-key-file or --old-key-from-env; by default the current key (CREDENTIALS_ENCRYPTION_KEY, \
                else $ROUTIQ_HOME/credentials.key).

                New key: --new-key-file or --new-key-from-env. For the embedded database without \
                CREDENTIALS_ENCRYPTION_KEY, a new key is generated when none is given, and $ROUTIQ_HOME/credentials.key \
                is replaced with the new key after the commit (it is first written, flushed to disk, to \
                credentials.key.new). Otherwise the new key must be given, and CREDENTIALS_ENCRYPTION_KEY set to it \
                afterwards wherever RoutIQ runs.

                Examples:
                  routiq vault rotate            # embedded: a new random key
                  routiq vault rotate --new-key-from-env NEW_KEY
                  routiq vault rotate --old-key-file old.key --new-key-file new.key
                """
        )

        @Option(help: ArgumentHelp("Read the old key (base64) from this file.", valueName: "path"))
        var oldKeyFile: String?

        @Option(help: ArgumentHelp("Read the old key (base64) from this environment variable.", valueName: "VAR"))
        var oldKeyFromEnv: String?

        @Option(help: ArgumentHelp("Read the new key (base64) from this file.", valueName: "path"))
        var newKeyFile: String?

        @Option(help: ArgumentHelp("Read the new key (base64) from this environment variable.", valueName: "VAR"))
        var newKeyFromEnv: String?

        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if oldKeyFile != nil, oldKeyFromEnv != nil {
                throw ValidationError("give the old key once: --old-key-file or --old-key-from-env")
            }
            if newKeyFile != nil, newKeyFromEnv != nil {
                throw ValidationError("give the new key once: --new-key-file or --new-key-from-env")
            }
        }

        func run() async throws {
            try await run(environment: RuntimeEnvironment())
        }

        /// Rotates with the given environment (tests pass their own).
        func run(environment: RuntimeEnvironment) async throws {
            let logger = options.makeLogger(environment: environment)
            let context = DatabaseContext(environment: environment)
            try await CommandFailure.reporting {
                let keyFile = context.keyFile
                let oldVault = try oldKey(environment: environment, keyFile: keyFile)
                let newVault = try newKey(environment: environment, keyFile: keyFile)
                guard oldVault.keyFingerprint != newVault.keyFingerprint else {
                    throw ValidationError(
                        "the new key is the old key (fingerprint \(oldVault.keyFingerprint)): nothing to rotate")
                }
                let outcome = try await context.withMigratedDatabase(logger: logger) { client in
                    try await rotate(
                        CredentialRotation(client: client), from: oldVault, to: newVault, keyFile: keyFile,
                        actor: environment.actor, logger: logger)
                }
                print(
                    "Re-sealed \(outcome.credentials) credential(s) of \(outcome.organizations) organization(s) with the "
                        + "new key (fingerprint \(newVault.keyFingerprint); the old key's was \(oldVault.keyFingerprint))."
                )
                if let keyFile {
                    print("Replaced \(keyFile.path) with the new key.")
                } else {
                    print(
                        "Now set CREDENTIALS_ENCRYPTION_KEY to the new key wherever RoutIQ runs: the old key opens no "
                            + "stored credential any more.")
                }
            }
        }

        /// What a rotation changed, as printed.
        struct Outcome: Sendable {
            var credentials: Int
            var organizations: Int
        }

        /// Rotates, and for the key file writes the new key next to it first and moves it into place after the commit.
        private func rotate(
            _ rotation: CredentialRotation,
            from oldVault: CredentialVault,
            to newVault: CredentialVault,
            keyFile: URL?,
            actor: String,
            logger: Logger
        ) async throws -> Outcome {
            guard let keyFile else {
                let report = try await rotation.rotate(from: oldVault, to: newVault, actor: actor, logger: logger)
                return Outcome(credentials: report.credentials, organizations: report.organizations)
            }
            let pending = keyFile.appendingPathExtension("new")
            if FileManager.default.fileExists(atPath: pending.path) {
                throw try await interruptedRotation(rotation, pending: pending, keyFile: keyFile, logger: logger)
            }
            // Durable before the database depends on it: a crash after the commit leaves the new key on disk.
            try newVault.writeKeyFile(to: pending)
            let report: CredentialRotation.Report
            do {
                report = try await rotation.rotate(from: oldVault, to: newVault, actor: actor, logger: logger)
            } catch {
                // Drop the new key only when the database certainly holds nothing sealed with it.
                let stored = try? await rotation.keyFingerprints(logger: logger)
                if let stored, stored[newVault.keyFingerprint] == nil {
                    try? FileManager.default.removeItem(at: pending)
                    throw error
                }
                throw VaultError(
                    .interruptedRotation,
                    "the rotation failed (\(error)) and RoutIQ cannot tell whether it committed; \(pending.path) "
                        + "holds the new key (fingerprint \(newVault.keyFingerprint)). Run `routiq vault rotate` again "
                        + "to be told what to do with it."
                )
            }
            try CredentialVault.replaceKeyFile(at: keyFile, with: pending)
            return Outcome(credentials: report.credentials, organizations: report.organizations)
        }

        /// The error for a `credentials.key.new` left by an earlier rotation, saying which key the database uses.
        private func interruptedRotation(
            _ rotation: CredentialRotation,
            pending: URL,
            keyFile: URL,
            logger: Logger
        ) async throws -> VaultError {
            let pendingFingerprint = (try? CredentialVault.loadKeyFile(at: pending))?.keyFingerprint ?? "unreadable"
            let stored = try await rotation.keyFingerprints(logger: logger)
            let sealedWith =
                stored.isEmpty
                ? "no credential is stored"
                : "the stored credentials are sealed with "
                    + stored.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            return VaultError(
                .interruptedRotation,
                "\(pending.path) exists: an earlier `routiq vault rotate` stopped before replacing \(keyFile.path). "
                    + "It holds the key with fingerprint \(pendingFingerprint); \(sealedWith). If that rotation "
                    + "committed (the credentials are sealed with \(pendingFingerprint)), move it into place: "
                    + "mv '\(pending.path)' '\(keyFile.path)'. Otherwise delete it. Then run the command again."
            )
        }

        private func oldKey(environment: RuntimeEnvironment, keyFile: URL?) throws -> CredentialVault {
            if let oldKeyFile {
                return try Self.readKey(file: oldKeyFile, role: "old")
            }
            if let oldKeyFromEnv {
                return try Self.readKey(variable: oldKeyFromEnv, environment: environment)
            }
            if let key = environment.credentialsKey {
                return try CredentialVault(base64Key: key)
            }
            guard let keyFile else {
                throw VaultError(
                    .missingKey,
                    "CREDENTIALS_ENCRYPTION_KEY is not set: give the key the credentials are sealed with by "
                        + "--old-key-file or --old-key-from-env")
            }
            guard FileManager.default.fileExists(atPath: keyFile.path) else {
                throw VaultError(
                    .missingKey,
                    "there is no key to rotate from: \(keyFile.path) does not exist (give the key the credentials are "
                        + "sealed with by --old-key-file or --old-key-from-env)")
            }
            return try CredentialVault.loadKeyFile(at: keyFile)
        }

        private func newKey(environment: RuntimeEnvironment, keyFile: URL?) throws -> CredentialVault {
            if let newKeyFile {
                return try Self.readKey(file: newKeyFile, role: "new")
            }
            if let newKeyFromEnv {
                return try Self.readKey(variable: newKeyFromEnv, environment: environment)
            }
            guard keyFile != nil else {
                throw ValidationError(
                    "with CREDENTIALS_ENCRYPTION_KEY, give the new key by --new-key-file or --new-key-from-env "
                        + "(make one with: (umask 077; openssl rand -base64 32 > new.key))")
            }
            return try CredentialVault(keyData: CredentialVault.makeRandomKey())
        }

        private static func readKey(file path: String, role: String) throws -> CredentialVault {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw VaultError(.invalidKey, "cannot read the \(role) key file \(path): \(error.localizedDescription)")
            }
            return try CredentialVault(base64Key: text, origin: "the \(role) key file \(path)")
        }

        private static func readKey(variable: String, environment: RuntimeEnvironment) throws -> CredentialVault {
            guard let value = environment.variables[variable], !value.isEmpty else {
                throw ValidationError("environment variable \(variable) is not set")
            }
            return try CredentialVault(base64Key: value, origin: variable)
        }
    }
}
