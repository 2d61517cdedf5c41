import ArgumentParser
import Foundation
import Load
import PostgresNIO

/// Turns runtime errors into a one-line message on standard error and the documented exit code.
///
/// Exit codes (README, DESIGN §4): 1 some organization failed; 2 invalid configuration or usage; 3 could not start
/// (database unreachable, PostgreSQL missing, lock or setup failure).
enum CommandFailure {
    static let someOrganizationsFailed = ExitCode(1)
    static let invalidConfiguration = ExitCode(2)
    static let couldNotStart = ExitCode(3)

    /// Runs `body`, reporting failures as `error: MESSAGE` and an exit code instead of a stack of Swift types.
    static func reporting<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as PostgresTransactionError {
            let inner = error.closureError ?? error.commitError ?? error.beginError
            guard let inner else {
                printError("the database transaction failed")
                throw couldNotStart
            }
            return try await reporting { throw inner }
        } catch let error as DatabaseError {
            printError(error.description)
            switch error.code {
            case .invalidURL, .notFound, .invalidInput: throw invalidConfiguration
            default: throw couldNotStart
            }
        } catch let error as PSQLError {
            printError(DatabaseError.statementFailed(error).description)
            throw couldNotStart
        } catch let error as VaultError {
            printError(error.description)
            switch error.code {
            case .invalidKey, .missingKey, .notFound, .insecureKeyFile, .interruptedRotation: throw invalidConfiguration
            default: throw someOrganizationsFailed
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            printError(String(describing: error))
            throw someOrganizationsFailed
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }
}
