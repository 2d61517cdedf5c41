public import Pipeline

/// Reads free-text phone numbers (as clinics type them) into E.164, with a type and, on failure, a reason.
///
/// The parser follows libphonenumber's numbering plans exactly (they are compiled into automata, see
/// ``NumberingPlan``) and adds RoutIQ's rules on top:
///
/// - A number written with `+`, `00` or the default region's international prefix (`0011` in AU, `011` in
///   US/CA) is international: its country calling code comes first and is never replaced or doubled.
///   A trunk prefix written after the country code, as in `+61 (0) 491 570 156`, is dropped.
/// - Digits without any of those are first read as a national number of the default region (with or
///   without its trunk prefix). If that is not a valid number there, they are read as an international
///   number with the country code first (`61491570156`, `447700900123`, `6281234567890`). The first valid
///   reading wins; a country code is never pasted in front of a number that already carries one.
/// - Separators, brackets, dots and surrounding words are ignored (`0491 570 156 (mum)`); an extension
///   (`ext 23`, `x23`, `#23`) is kept apart and left out of the E.164 form.
/// - A field holding two different numbers (`0491570156 / 02 5550 1234`) yields none:
///   ``PhoneNumberParseError/Reason/multipleNumbers``.
///
/// Parsing works on UTF-8 bytes with no regular expressions and no allocation beyond the result.
public struct PhoneNumberParser: Sendable {
    /// How numbers are read.
    public struct Configuration: Sendable, Hashable {
        /// The region whose national conventions apply to numbers without a country code.
        /// Defaults to ``PhoneRegion/australia``.
        public var defaultRegion: PhoneRegion

        /// Creates a configuration.
        ///
        /// - Parameter defaultRegion: The region for national numbers. Defaults to ``PhoneRegion/australia``.
        public init(defaultRegion: PhoneRegion = .australia) {
            self.defaultRegion = defaultRegion
        }
    }

    /// The configuration the parser was created with.
    public let configuration: Configuration

    let plan: NumberingPlan
    let regionCountry: NumberingPlan.Country?
    let nationalPrefix: [UInt8]
    let internationalPrefixes: [[UInt8]]

    /// Creates a parser.
    ///
    /// - Parameter configuration: How numbers are read; by default as Australian numbers.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        self.plan = NumberingPlan.shared
        let region = configuration.defaultRegion
        self.regionCountry = plan.country(callingCode: region.callingCode)
        self.nationalPrefix = region.nationalPrefix.utf8.map { $0 &- UInt8(ascii: "0") }
        var prefixes = region.internationalPrefixes.map { $0.utf8.map { $0 &- UInt8(ascii: "0") } }
        if !prefixes.contains([0, 0]) { prefixes.append([0, 0]) }
        self.internationalPrefixes = prefixes.sorted { $0.count > $1.count }
    }

    /// Parses one free-text phone number.
    ///
    /// - Parameter text: The text as typed, such as `0491 570 156`, `61491570156` or `+44 (0) 7700 900123`.
    /// - Returns: The number, valid according to its country's numbering plan.
    /// - Throws: ``PhoneNumberParseError`` with the reason no number was taken.
    public func parse(_ text: String) throws(PhoneNumberParseError) -> PhoneNumber {
        var text = text
        let outcome = text.withUTF8 { bytes in parse(bytes: bytes) }
        switch outcome {
        case .success(let number): return number
        case .failure(let error): throw error
        }
    }

    /// Normalizes one free-text phone number into the record form stored with patients and contacts.
    ///
    /// - Parameter text: The text as typed.
    /// - Returns: The E.164 number and type, or the failure reason.
    public func normalize(_ text: String) -> PhoneNormalization {
        do {
            let number = try parse(text)
            return PhoneNormalization(e164: number.e164, type: number.type, failureReason: nil)
        } catch {
            return PhoneNormalization(e164: nil, type: .unknown, failureReason: error.reason.code)
        }
    }
}
