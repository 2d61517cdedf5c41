import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a secret from standard input: a hidden prompt on a terminal, else the first line of the input.
enum SecretReader {
    static func read(prompt: String) -> String? {
        if isatty(STDIN_FILENO) == 1, let pointer = getpass(prompt) {
            let secret = String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
            return secret.isEmpty ? nil : secret
        }
        guard let line = readLine(strippingNewline: true) else { return nil }
        let secret = line.trimmingCharacters(in: .whitespacesAndNewlines)
        return secret.isEmpty ? nil : secret
    }
}
