import Pipeline
import Testing

@testable import Transform

@Suite("Phone number parsing")
struct PhoneNumberParserTests {
    static func parser(_ region: PhoneRegion) -> PhoneNumberParser {
        PhoneNumberParser(configuration: .init(defaultRegion: region))
    }

    static func assertEveryForm(of sample: PhoneSample, in region: PhoneRegion) {
        let parser = parser(region)
        for form in sample.writtenForms(in: region) {
            let result = parser.normalize(form)
            #expect(result.e164 == sample.e164, "\(region) \(form.debugDescription)")
            #expect(result.type == sample.type, "\(region) \(form.debugDescription)")
            #expect(result.failureReason == nil, "\(region) \(form.debugDescription)")
        }
    }

    @Test("Australian numbers in every written form", arguments: PhoneSamples.australia)
    func australia(_ sample: PhoneSample) {
        Self.assertEveryForm(of: sample, in: .australia)
    }

    @Test("New Zealand numbers in every written form", arguments: PhoneSamples.newZealand)
    func newZealand(_ sample: PhoneSample) {
        Self.assertEveryForm(of: sample, in: .newZealand)
    }

    @Test("UK numbers in every written form", arguments: PhoneSamples.unitedKingdom)
    func unitedKingdom(_ sample: PhoneSample) {
        Self.assertEveryForm(of: sample, in: .unitedKingdom)
    }

    @Test("Irish numbers in every written form", arguments: PhoneSamples.ireland)
    func ireland(_ sample: PhoneSample) {
        Self.assertEveryForm(of: sample, in: .ireland)
    }

    @Test("US numbers in every written form", arguments: PhoneSamples.unitedStates)
    func unitedStates(_ sample: PhoneSample) {
        Self.assertEveryForm(of: sample, in: .unitedStates)
    }

    @Test("Canadian numbers in every written form", arguments: PhoneSamples.canada)
    func canada(_ sample: PhoneSample) {
        Self.assertEveryForm(of: sample, in: .canada)
    }

    @Test(
        "International numbers keep their own country code whatever the default region",
        arguments: PhoneRegion.spelledOut
    )
    func foreignNumbersInEveryRegion(_ region: PhoneRegion) {
        let parser = Self.parser(region)
        let samples =
            PhoneSamples.australia + PhoneSamples.newZealand + PhoneSamples.unitedKingdom
            + PhoneSamples.ireland + PhoneSamples.unitedStates + PhoneSamples.canada
        for sample in samples {
            #expect(parser.normalize(sample.e164).e164 == sample.e164, "\(region) \(sample.e164)")
            let spaced = "+" + sample.e164.dropFirst().split(separator: "").joined()
            #expect(parser.normalize(spaced).e164 == sample.e164)
        }
    }

    @Test(
        "Country-code digits without a plus are never given a second country code",
        arguments: [
            ("61491570156", "+61491570156"),
            ("6281234567890", "+6281234567890"),
            ("447400783999", "+447400783999"),
            ("14155552671", "+14155552671"),
            ("64211234567", "+64211234567"),
            ("353851234567", "+353851234567"),
            ("61 0491 570 156", "+61491570156"),
            ("0061491570156", "+61491570156"),
            ("0011 44 7400 783999", "+447400783999"),
            ("+61 (0) 491 570 156", "+61491570156"),
            ("+44 (0)7400 783999", "+447400783999"),
        ]
    )
    func neverPastesCountryCodeOnInternationalNumbers(_ input: String, _ expected: String) {
        let result = Self.parser(.australia).normalize(input)
        #expect(result.e164 == expected)
        #expect(result.e164?.hasPrefix("+6161") != true)
        #expect(result.e164?.hasPrefix("+6162") != true)
        #expect(result.e164?.hasPrefix("+6144") != true)
    }

    @Test(
        "Every failure reason",
        arguments: [
            ("", PhoneNumberParseError.Reason.empty),
            ("   ", .empty),
            ("\t", .empty),
            ("n/a", .notANumber),
            ("N/A", .notANumber),
            ("none", .notANumber),
            ("TBA", .notANumber),
            ("-", .notANumber),
            ("0", .notANumber),
            ("x", .notANumber),
            ("+", .notANumber),
            ("jane@gmail.com", .notANumber),
            ("jsmith1985@bigpond.com", .notANumber),
            ("ph after 5pm", .notANumber),
            ("049157015", .tooShort),
            ("0491 570 15", .tooShort),
            ("+6149157015", .tooShort),
            ("6149157015", .tooShort),
            ("04915701566", .tooLong),
            ("+614915701567", .tooLong),
            ("12345678901234567890123", .tooLong),
            ("0123 456 789", .invalidForRegion),
            ("+44 7700 900123", .invalidForRegion),
            ("+1 (555) 010-0123", .invalidForRegion),
            ("+999 123 456 789", .invalidCountryCode),
            ("+0491570156", .invalidCountryCode),
            ("0491 570 156 / 02 5550 1234", .multipleNumbers),
            ("0491570156 or 0412 345 678", .multipleNumbers),
            ("0491570156, 0412345678", .multipleNumbers),
            ("0491 570 156 (mum) 0412 345 678 (dad)", .multipleNumbers),
            ("0491570156 / 12345678", .multipleNumbers),
        ]
    )
    func failureReasons(_ input: String, _ reason: PhoneNumberParseError.Reason) {
        #expect(throws: PhoneNumberParseError(reason: reason)) {
            try Self.parser(.australia).parse(input)
        }
        let normalized = Self.parser(.australia).normalize(input)
        #expect(normalized.e164 == nil)
        #expect(normalized.type == .unknown)
        #expect(normalized.failureReason == reason.code)
    }

    @Test("The same number written twice in one field is taken")
    func sameNumberTwice() throws {
        let number = try Self.parser(.australia).parse("0491570156 / +61 491 570 156")
        #expect(number.e164 == "+61491570156")
    }

    @Test("Extensions are kept apart from the E.164 form")
    func extensions() throws {
        for (input, expected) in [
            ("02 5550 1234 ext 23", "23"), ("02 5550 1234 x 7", "7"), ("02 5550 1234 #405", "405"),
            ("02 5550 1234 extension: 12", "12"), ("02 5550 1234 ext. 9", "9"),
        ] {
            let number = try Self.parser(.australia).parse(input)
            #expect(number.e164 == "+61255501234")
            #expect(number.extension == expected)
        }
        #expect(try Self.parser(.australia).parse("02 5550 1234").extension == nil)
    }

    @Test("The default region decides how national numbers read")
    func defaultRegionMatters() {
        #expect(Self.parser(.australia).normalize("021 123 4567").e164 == "+61211234567")
        #expect(Self.parser(.newZealand).normalize("021 123 4567").e164 == "+64211234567")
        #expect(Self.parser(.unitedKingdom).normalize("07400 783999").e164 == "+447400783999")
        #expect(Self.parser(.australia).normalize("07400 783999").e164 == nil)
        #expect(Self.parser(.unitedStates).normalize("011 61 491 570 156").e164 == "+61491570156")
        #expect(
            Self.parser(.canada).normalize("1 (604) 555 2671").e164
                == Self.parser(.unitedStates).normalize("604 555 2671").e164
        )
    }

    @Test("Full-width digits and plus signs are read")
    func fullWidthDigits() {
        #expect(Self.parser(.australia).normalize("０４９１ ５７０ １５６").e164 == "+61491570156")
        #expect(Self.parser(.australia).normalize("＋６１４９１５７０１５６").e164 == "+61491570156")
    }

    @Test("Numbers of countries outside the six regions are accepted with their own plans")
    func otherCountries() {
        let parser = Self.parser(.australia)
        #expect(parser.normalize("+62 812 3456 7890").e164 == "+6281234567890")
        #expect(parser.normalize("+49 30 123456").type != .unknown)
        #expect(parser.normalize("+33 6 12 34 56 78").e164 == "+33612345678")
        #expect(parser.normalize("+33 6 12 34 56 78").type == .mobile)
        #expect(parser.normalize("+91 98765 43210").e164 == "+919876543210")
        #expect(parser.normalize("+65 8123 4567").e164 == "+6581234567")
        #expect(parser.normalize("+62 812").failureReason == "too_short")
    }

    @Test("Regions are looked up by ISO code")
    func regions() throws {
        #expect(PhoneRegion(code: "au") == .australia)
        #expect(PhoneRegion(code: "NZ") == .newZealand)
        #expect(PhoneRegion(code: "gb") == .unitedKingdom)
        let germany = try #require(PhoneRegion(code: "DE"))
        #expect(germany.callingCode == 49)
        #expect(germany.nationalPrefix == "0")
        #expect(PhoneRegion(code: "XX") == nil)
        #expect(PhoneRegion(code: "") == nil)
        let germanParser = Self.parser(germany)
        #expect(germanParser.normalize("030 123456").e164 == "+4930123456")
    }

    @Test("Number types follow the plan")
    func types() {
        let parser = Self.parser(.australia)
        #expect(parser.normalize("0491 570 156").type == .mobile)
        #expect(parser.normalize("(02) 5550 1234").type == .fixedLine)
        #expect(parser.normalize("1800 633 875").type == .tollFree)
        #expect(parser.normalize("1300 516 761").type == .sharedCost)
        #expect(parser.normalize("13 12 34").type == .sharedCost)
        #expect(parser.normalize("1900 123 456").type == .premiumRate)
        #expect(Self.parser(.unitedStates).normalize("(415) 555-2671").type == .fixedLineOrMobile)
    }

    @Test("Errors describe themselves without the number")
    func errorDescription() {
        let error = PhoneNumberParseError(reason: .tooShort)
        #expect(error.description == "PhoneNumberParseError(too_short)")
        #expect(PhoneNumberParseError.Reason.multipleNumbers.description == "multiple_numbers")
    }
}
