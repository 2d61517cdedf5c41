import ArgumentParser
import Foundation
import Load

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
        } catch {
            throw report(DatabaseError.unwrapping(error))
        }
    }

    /// Prints `error` (unless argument-parser reports it) and returns what to throw in its place.
    private static func report(_ error: any Error) -> any Error {
        switch error {
        case let error as ExitCode:
            return error
        case let error as DatabaseError:
            printError(error.description)
            switch error.code {
            case .invalidURL, .notFound, .invalidInput: return invalidConfiguration
            default: return couldNotStart
            }
        case let error as VaultError:
            printError(error.description)
            switch error.code {
            case .invalidKey, .missingKey, .notFound, .insecureKeyFile, .interruptedRotation:
                return invalidConfiguration
            default: return someOrganizationsFailed
            }
        case let error as ValidationError:
            return error
        default:
            printError(String(describing: error))
            return someOrganizationsFailed
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }
}
