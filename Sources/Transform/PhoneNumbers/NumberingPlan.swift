import Foundation
import Pipeline

/// The numbering plans of every country calling code, compiled from libphonenumber's metadata into digit automata.
///
/// For each country calling code, one minimal deterministic automaton reads a national significant number
/// digit by digit; its accepting states carry the set of number types (fixed line, mobile, toll free…) of every
/// region that shares the code. Deciding whether a number is valid and of which type is one table lookup per
/// digit, with no regular expressions. `scripts/phone-corpus/numbering_plans.py` generates the tables in
/// `NumberingPlan+Tables.swift`.
struct NumberingPlan: Sendable {
    /// Number-type bits of an accepting state, in libphonenumber's order of precedence.
    struct TypeMask: OptionSet, Sendable {
        let rawValue: UInt16

        static let premiumRate = TypeMask(rawValue: 1 << 0)
        static let tollFree = TypeMask(rawValue: 1 << 1)
        static let sharedCost = TypeMask(rawValue: 1 << 2)
        static let voip = TypeMask(rawValue: 1 << 3)
        static let personalNumber = TypeMask(rawValue: 1 << 4)
        static let pager = TypeMask(rawValue: 1 << 5)
        static let uan = TypeMask(rawValue: 1 << 6)
        static let voicemail = TypeMask(rawValue: 1 << 7)
        static let fixedLine = TypeMask(rawValue: 1 << 8)
        static let mobile = TypeMask(rawValue: 1 << 9)

        /// The single type libphonenumber would report for a number with these bits.
        var numberType: PhoneNumberType {
            if contains(.premiumRate) { return .premiumRate }
            if contains(.tollFree) { return .tollFree }
            if contains(.sharedCost) { return .sharedCost }
            if contains(.voip) { return .voip }
            if contains(.personalNumber) { return .personalNumber }
            if contains(.pager) { return .pager }
            if contains(.uan) { return .uan }
            if contains(.voicemail) { return .voicemail }
            if contains(.fixedLine) { return contains(.mobile) ? .fixedLineOrMobile : .fixedLine }
            if contains(.mobile) { return .mobile }
            return .unknown
        }
    }

    /// What reading a national significant number through a country's automaton found.
    struct Reading: Sendable {
        /// The types of the whole number; empty when it is not a valid number.
        var types: TypeMask
        /// Whether the digits are the beginning of some longer valid number.
        var isPrefixOfValidNumber: Bool
        /// Whether some shorter beginning of the digits is itself a valid number.
        var hasValidPrefix: Bool

        /// Whether the number is valid.
        var isValid: Bool { !types.isEmpty }
    }

    /// One country calling code's plan.
    struct Country: Sendable {
        /// The country calling code.
        var callingCode: Int
        /// The automaton's start state.
        var startState: Int
        /// Bit `n` is set when `n` digits is a possible national-number length.
        var possibleLengths: UInt32
        /// The national (trunk) prefix of the code's main region, as ASCII digit values; empty if none.
        var nationalPrefix: [UInt8]
    }

    /// The plan of every country calling code.
    static let shared = NumberingPlan()

    private let transitions: [UInt16]
    private let accepts: [UInt16]
    /// Country plans indexed by calling code (0…999).
    private let countries: [Country?]

    private init() {
        transitions = Self.decode(Self.encodedTransitions)
        accepts = Self.decode(Self.encodedAccepts)
        var countries = [Country?](repeating: nil, count: 1000)
        for row in Self.countryRows {
            countries[Int(row.code)] = Country(
                callingCode: Int(row.code),
                startState: Int(row.start),
                possibleLengths: row.lengths,
                nationalPrefix: Self.digitValues(row.nationalPrefix)
            )
        }
        self.countries = countries
    }

    /// The plan of a country calling code, or `nil` when no country uses it.
    func country(callingCode: Int) -> Country? {
        guard callingCode > 0, callingCode < countries.count else { return nil }
        return countries[callingCode]
    }

    /// Reads a national significant number (digit values 0–9) through a country's automaton.
    func read(_ digits: some Collection<UInt8>, in country: Country) -> Reading {
        var state = country.startState
        var hasValidPrefix = false
        var consumed = 0
        let total = digits.count
        for digit in digits {
            if consumed > 0, accepts[state] != 0 { hasValidPrefix = true }
            let next = Int(transitions[state &* 10 &+ Int(digit)])
            if next == 0 {
                return Reading(types: [], isPrefixOfValidNumber: false, hasValidPrefix: hasValidPrefix)
            }
            state = next
            consumed += 1
        }
        let types = TypeMask(rawValue: accepts[state])
        return Reading(types: types, isPrefixOfValidNumber: types.isEmpty && total > 0, hasValidPrefix: hasValidPrefix)
    }

    private static func decode(_ base64: String) -> [UInt16] {
        let compact = base64.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            preconditionFailure("the generated numbering-plan tables are not valid base64")
        }
        var values = [UInt16](repeating: 0, count: data.count / 2)
        data.withUnsafeBytes { raw in
            for index in values.indices {
                values[index] = UInt16(raw[2 * index]) | UInt16(raw[2 * index + 1]) << 8
            }
        }
        return values
    }

    static func digitValues(_ text: StaticString) -> [UInt8] {
        text.withUTF8Buffer { buffer in buffer.map { $0 &- UInt8(ascii: "0") } }
    }
}
