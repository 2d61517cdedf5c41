/// A failure sealing, opening or finding a credential. Messages never contain secrets.
public struct VaultError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidKey, missingKey, cannotDecrypt, notFound, insecureKeyFile, interruptedRotation
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// `CREDENTIALS_ENCRYPTION_KEY` is not base64 of 32 bytes.
        public static let invalidKey = Code(.invalidKey)
        /// No key is configured and none may be generated (an external database).
        public static let missingKey = Code(.missingKey)
        /// The ciphertext does not open with this key for this organization and service.
        public static let cannotDecrypt = Code(.cannotDecrypt)
        /// No credential is stored.
        public static let notFound = Code(.notFound)
        /// The key file can be read or written by users other than its owner.
        public static let insecureKeyFile = Code(.insecureKeyFile)
        /// An earlier key rotation left its new key file behind, so which key is current must be settled by hand.
        public static let interruptedRotation = Code(.interruptedRotation)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// A message safe to show and log.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
