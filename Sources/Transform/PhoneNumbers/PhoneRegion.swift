/// A region whose national numbering conventions apply to numbers written without a country code.
///
/// The six regions RoutIQ's clinics operate in are spelled out (``australia``, ``newZealand``,
/// ``unitedKingdom``, ``ireland``, ``unitedStates``, ``canada``); every other ISO 3166-1 region libphonenumber
/// knows is available through ``init(code:)``.
public struct PhoneRegion: Sendable, Hashable, CustomStringConvertible {
    /// The ISO 3166-1 alpha-2 code, upper-case (`AU`).
    public let code: String
    /// The country calling code (`61`).
    public let callingCode: Int
    /// The national (trunk) prefix dialled before national numbers (`0` in AU, `1` in US/CA), empty if none.
    public let nationalPrefix: String
    /// The prefixes dialled before a country code when calling abroad from this region (`0011` in AU,
    /// `011` in US/CA), longest first. `00` is accepted in every region in addition to these.
    public let internationalPrefixes: [String]

    /// Creates a region from its conventions.
    ///
    /// - Parameters:
    ///   - code: The ISO 3166-1 alpha-2 code.
    ///   - callingCode: The country calling code.
    ///   - nationalPrefix: The national (trunk) prefix, empty if none.
    ///   - internationalPrefixes: The international call prefixes.
    public init(code: String, callingCode: Int, nationalPrefix: String, internationalPrefixes: [String]) {
        self.code = code.uppercased()
        self.callingCode = callingCode
        self.nationalPrefix = nationalPrefix
        self.internationalPrefixes = internationalPrefixes.sorted { $0.count > $1.count }
    }

    /// Looks a region up by its ISO 3166-1 alpha-2 code, case-insensitively.
    ///
    /// - Parameter code: The region code, such as `AU` or `nz`.
    /// - Returns: `nil` when libphonenumber's metadata has no such region.
    public init?(code: String) {
        let wanted = code.uppercased()
        if let known = Self.spelledOut.first(where: { $0.code == wanted }) {
            self = known
            return
        }
        guard let row = NumberingPlan.regionRows.first(where: { $0.region.description == wanted }) else {
            return nil
        }
        let international = row.internationalPrefix.description
        self.init(
            code: wanted,
            callingCode: Int(row.code),
            nationalPrefix: row.nationalPrefix.description,
            internationalPrefixes: international.isEmpty ? [] : [international]
        )
    }

    /// The region's code.
    public var description: String { code }

    /// Australia: trunk prefix `0`, international prefix `0011` (and the `0014`–`0019` carrier variants).
    public static let australia = PhoneRegion(
        code: "AU",
        callingCode: 61,
        nationalPrefix: "0",
        internationalPrefixes: ["0011", "0014", "0015", "0016", "0018", "0019"]
    )
    /// New Zealand: trunk prefix `0`, international prefixes `00` and `0161`.
    public static let newZealand = PhoneRegion(
        code: "NZ",
        callingCode: 64,
        nationalPrefix: "0",
        internationalPrefixes: ["0161", "00"]
    )
    /// The United Kingdom: trunk prefix `0`, international prefix `00`.
    public static let unitedKingdom = PhoneRegion(
        code: "GB",
        callingCode: 44,
        nationalPrefix: "0",
        internationalPrefixes: ["00"]
    )
    /// Ireland: trunk prefix `0`, international prefix `00`.
    public static let ireland = PhoneRegion(
        code: "IE",
        callingCode: 353,
        nationalPrefix: "0",
        internationalPrefixes: ["00"]
    )
    /// The United States: trunk prefix `1`, international prefix `011`.
    public static let unitedStates = PhoneRegion(
        code: "US",
        callingCode: 1,
        nationalPrefix: "1",
        internationalPrefixes: ["011"]
    )
    /// Canada: trunk prefix `1`, international prefix `011`.
    public static let canada = PhoneRegion(
        code: "CA",
        callingCode: 1,
        nationalPrefix: "1",
        internationalPrefixes: ["011"]
    )

    /// The regions whose numbering plans RoutIQ's tests pin down exactly.
    public static let spelledOut: [PhoneRegion] = [
        .australia, .newZealand, .unitedKingdom, .ireland, .unitedStates, .canada,
    ]
}
