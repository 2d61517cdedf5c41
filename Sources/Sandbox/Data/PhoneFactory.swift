/// Produces phone numbers in the format mix of the fact sheet (§D.1), always from fictional ranges.
///
/// AU mobiles come from the `0491 57x xxx` block, landlines from `(0x) 5550 xxxx`, UK numbers from
/// `07700 900xxx`, NZ from `021 0xx xxxx` and US from `555-01xx`.
enum PhoneFactory {
    /// A formatted number as a person would have typed it, and its E.164 form when it is a real number.
    struct Number {
        var text: String
        var e164: String?
    }

    /// The canonical AU mobile for a slot 0..<10,000, as national digits.
    static func nationalMobile(_ slot: Int) -> String {
        "049157" + fourDigits(slot)
    }

    /// Formats a national AU number (`0xxxxxxxxx`) the way the fact sheet's mobile table distributes formats.
    static func mobile(national: String, rng: inout SplitMix64) -> Number {
        let d = Array(national)
        let e164 = "+61" + String(d[1...])
        func part(_ range: Range<Int>) -> String { String(d[range]) }
        switch rng.weighted([40, 18, 12, 8, 6, 4, 2, 4, 6]) {
        case 0: return Number(text: "61" + String(d[1...]), e164: e164)
        case 1: return Number(text: "\(part(0..<4)) \(part(4..<7)) \(part(7..<10))", e164: e164)
        case 2: return Number(text: national, e164: e164)
        case 3: return Number(text: "+61 \(part(1..<4)) \(part(4..<7)) \(part(7..<10))", e164: e164)
        case 4: return Number(text: e164, e164: e164)
        case 5:
            return rng.chance(0.5)
                ? Number(text: "\(part(0..<4))-\(part(4..<7))-\(part(7..<10))", e164: e164)
                : Number(text: "(\(part(0..<4))) \(part(4..<7)) \(part(7..<10))", e164: e164)
        case 6: return Number(text: "\(part(1..<4)) \(part(4..<7)) \(part(7..<10))", e164: e164)
        case 7: return foreign(rng.below(10_000), rng: &rng)
        default: return Number(text: rng.pick(Catalog.junkPhones), e164: nil)
        }
    }

    /// A foreign visitor's number (NZ, UK or US fictional ranges).
    static func foreign(_ slot: Int, rng: inout SplitMix64) -> Number {
        let four = fourDigits(slot)
        switch rng.below(6) {
        case 0: return Number(text: "+64 21 0\(four.prefix(2)) \(four)", e164: "+64210\(four.prefix(2))\(four)")
        case 1: return Number(text: "021 0\(four.prefix(2)) \(four)", e164: "+64210\(four.prefix(2))\(four)")
        case 2: return Number(text: "+44 7700 900\(four.suffix(3))", e164: "+447700900\(four.suffix(3))")
        case 3: return Number(text: "07700 900\(four.suffix(3))", e164: "+447700900\(four.suffix(3))")
        case 4:
            return Number(text: "+1 (555) 010-01\(four.suffix(2))", e164: "+155501001\(four.suffix(2))")
        default: return Number(text: "555-01\(four.suffix(2))", e164: nil)
        }
    }

    /// An AU landline or `1300` business number.
    static func landline(_ slot: Int, isWork: Bool, rng: inout SplitMix64) -> Number {
        let area = ["2", "3", "7", "8"][slot % 4]
        let four = fourDigits(slot)
        if isWork, rng.chance(0.15) {
            return Number(text: "1300 555 \(four.suffix(3))", e164: nil)
        }
        let e164 = "+61\(area)5550\(four)"
        switch rng.below(5) {
        case 0: return Number(text: "(0\(area)) 5550 \(four)", e164: e164)
        case 1: return Number(text: "0\(area) 5550 \(four)", e164: e164)
        case 2: return Number(text: "0\(area)5550\(four)", e164: e164)
        case 3: return Number(text: "61\(area)5550\(four)", e164: e164)
        default: return Number(text: "+61 \(area) 5550 \(four)", e164: e164)
        }
    }

    static func fourDigits(_ value: Int) -> String {
        let v = value % 10_000
        let text = String(v)
        return String(repeating: "0", count: 4 - text.count) + text
    }
}
