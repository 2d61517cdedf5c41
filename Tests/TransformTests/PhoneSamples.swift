import Pipeline
import Testing

@testable import Transform

/// Valid numbers of each exact region (drawn from libphonenumber's plans by `scripts/phone-corpus`), each written
/// in every way the parser must accept.
struct PhoneSample: Sendable, CustomTestStringConvertible {
    var national: String
    var e164: String
    var type: PhoneNumberType

    init(_ national: String, _ e164: String, _ type: PhoneNumberType) {
        self.national = national
        self.e164 = e164
        self.type = type
    }

    var testDescription: String { e164 }

    /// The national significant number (E.164 without `+` and country code).
    func nationalNumber(callingCode: Int) -> String {
        String(e164.dropFirst(1 + String(callingCode).count))
    }

    /// Every written form of the number that must parse to ``e164`` in `region`.
    func writtenForms(in region: PhoneRegion) -> [String] {
        let cc = String(region.callingCode)
        let nsn = nationalNumber(callingCode: region.callingCode)
        let nationalDigits = national.filter(\.isNumber)
        let spacedNSN = stride(from: 0, to: nsn.count, by: 3).map { offset -> String in
            let start = nsn.index(nsn.startIndex, offsetBy: offset)
            let end = nsn.index(start, offsetBy: 3, limitedBy: nsn.endIndex) ?? nsn.endIndex
            return String(nsn[start..<end])
        }.joined(separator: " ")
        var forms = [
            national,
            nationalDigits,
            national.replacingSpaces(with: "-"),
            national.replacingSpaces(with: "."),
            national.replacingSpaces(with: "\u{2013}"),
            e164,
            cc + nsn,
            "+" + cc + " " + spacedNSN,
            "+" + cc + "-" + nsn,
            "(+" + cc + ") " + spacedNSN,
            "00" + cc + nsn,
            "00 " + cc + " " + spacedNSN,
            (region.internationalPrefixes.first ?? "00") + " " + cc + " " + spacedNSN,
            national + " ext 23",
            national + " x23",
            national + " #23",
            national + " (mum)",
            national + " mob",
            "Mob: " + national,
            "\u{00A0}" + national + "  ",
            national + "\t",
            cc + " " + spacedNSN,
            "+" + cc + " " + spacedNSN + " / +" + cc + nsn,
        ]
        if region.nationalPrefix == "0" {
            forms += [
                "+" + cc + " (0) " + spacedNSN, "+" + cc + " (0)" + nsn, cc + "0" + nsn, "+" + cc + "0" + nsn, nsn,
            ]
        } else {
            forms += ["1 " + nationalDigits, "1-" + national.replacingSpaces(with: "-"), "+1 " + nationalDigits]
        }
        return forms
    }
}

extension String {
    func replacingSpaces(with separator: String) -> String {
        split(separator: " ").joined(separator: separator)
    }
}

enum PhoneSamples {
    static let australia: [PhoneSample] = [
        .init("0460 181 590", "+61460181590", .mobile),
        .init("0490 996 030", "+61490996030", .mobile),
        .init("0462 819 482", "+61462819482", .mobile),
        .init("0419 351 819", "+61419351819", .mobile),
        .init("0413 786 579", "+61413786579", .mobile),
        .init("0474 911 862", "+61474911862", .mobile),
        .init("0476 018 955", "+61476018955", .mobile),
        .init("0417 971 147", "+61417971147", .mobile),
        .init("0497 465 075", "+61497465075", .mobile),
        .init("0411 703 423", "+61411703423", .mobile),
        .init("(02) 1712 7684", "+61217127684", .fixedLine),
        .init("(02) 1236 8465", "+61212368465", .fixedLine),
        .init("(02) 2122 3307", "+61221223307", .fixedLine),
        .init("(02) 4026 8599", "+61240268599", .fixedLine),
        .init("(02) 8907 8666", "+61289078666", .fixedLine),
        .init("(02) 1010 9281", "+61210109281", .fixedLine),
        .init("(02) 1013 9624", "+61210139624", .fixedLine),
        .init("(02) 1571 1777", "+61215711777", .fixedLine),
        .init("1800 633 875", "+611800633875", .tollFree),
        .init("1800 116 372", "+611800116372", .tollFree),
        .init("1300 516 761", "+611300516761", .sharedCost),
    ]

    static let newZealand: [PhoneSample] = [
        .init("022 029 7299", "+64220297299", .mobile),
        .init("021 152 8820", "+64211528820", .mobile),
        .init("021 121 8263", "+64211218263", .mobile),
        .init("021 122 0579", "+64211220579", .mobile),
        .init("021 128 2828", "+64211282828", .mobile),
        .init("021 127 2902", "+64211272902", .mobile),
        .init("027 918 0588", "+64279180588", .mobile),
        .init("021 121 8033", "+64211218033", .mobile),
        .init("021 147 8878", "+64211478878", .mobile),
        .init("021 184 8372", "+64211848372", .mobile),
        .init("06 751 3613", "+6467513613", .fixedLine),
        .init("03 234 1252", "+6432341252", .fixedLine),
        .init("03 731 6723", "+6437316723", .fixedLine),
        .init("03 236 8656", "+6432368656", .fixedLine),
        .init("03 515 0587", "+6435150587", .fixedLine),
        .init("03 230 6589", "+6432306589", .fixedLine),
        .init("03 211 3114", "+6432113114", .fixedLine),
        .init("03 235 1402", "+6432351402", .fixedLine),
        .init("0800 586 492", "+64800586492", .tollFree),
        .init("0803 124 023", "+64803124023", .tollFree),
    ]

    static let unitedKingdom: [PhoneSample] = [
        .init("07400 783999", "+447400783999", .mobile),
        .init("07193 616733", "+447193616733", .mobile),
        .init("07400 346235", "+447400346235", .mobile),
        .init("07155 919909", "+447155919909", .mobile),
        .init("07271 723815", "+447271723815", .mobile),
        .init("07413 207202", "+447413207202", .mobile),
        .init("07340 481852", "+447340481852", .mobile),
        .init("07400 229942", "+447400229942", .mobile),
        .init("07504 235445", "+447504235445", .mobile),
        .init("07418 320117", "+447418320117", .mobile),
        .init("01258 188469", "+441258188469", .fixedLine),
        .init("01747 988064", "+441747988064", .fixedLine),
        .init("01206 339311", "+441206339311", .fixedLine),
        .init("01857 507993", "+441857507993", .fixedLine),
        .init("0121 243 9656", "+441212439656", .fixedLine),
        .init("01520 954780", "+441520954780", .fixedLine),
        .init("01209 808001", "+441209808001", .fixedLine),
        .init("01287 505567", "+441287505567", .fixedLine),
        .init("0800 899 7248", "+448008997248", .tollFree),
        .init("0800 689 3213", "+448006893213", .tollFree),
    ]

    static let ireland: [PhoneSample] = [
        .init("085 016 0935", "+353850160935", .mobile),
        .init("085 020 8603", "+353850208603", .mobile),
        .init("085 891 1616", "+353858911616", .mobile),
        .init("085 391 7596", "+353853917596", .mobile),
        .init("085 017 6019", "+353850176019", .mobile),
        .init("085 791 3417", "+353857913417", .mobile),
        .init("089 229 8454", "+353892298454", .mobile),
        .init("085 052 6322", "+353850526322", .mobile),
        .init("085 650 1527", "+353856501527", .mobile),
        .init("085 942 1561", "+353859421561", .mobile),
        .init("(024) 69279", "+3532469279", .fixedLine),
        .init("(022) 35837", "+3532235837", .fixedLine),
        .init("(022) 12928", "+3532212928", .fixedLine),
        .init("(022) 12477", "+3532212477", .fixedLine),
        .init("(027) 59701", "+3532759701", .fixedLine),
        .init("(022) 56455", "+3532256455", .fixedLine),
        .init("(025) 14754", "+3532514754", .fixedLine),
        .init("(022) 51432", "+3532251432", .fixedLine),
        .init("1800 028 854", "+3531800028854", .tollFree),
        .init("1800 459 011", "+3531800459011", .tollFree),
        .init("1850 084 982", "+3531850084982", .sharedCost),
    ]

    static let unitedStates: [PhoneSample] = [
        .init("(260) 970-5611", "+12609705611", .fixedLineOrMobile),
        .init("(210) 315-8266", "+12103158266", .fixedLineOrMobile),
        .init("(209) 353-6585", "+12093536585", .fixedLineOrMobile),
        .init("(201) 823-2637", "+12018232637", .fixedLineOrMobile),
        .init("(214) 835-6309", "+12148356309", .fixedLineOrMobile),
        .init("(283) 266-6216", "+12832666216", .fixedLineOrMobile),
        .init("(201) 568-8632", "+12015688632", .fixedLineOrMobile),
        .init("(203) 521-6157", "+12035216157", .fixedLineOrMobile),
        .init("(203) 720-6116", "+12037206116", .fixedLineOrMobile),
        .init("(201) 553-2380", "+12015532380", .fixedLineOrMobile),
        .init("(202) 383-9367", "+12023839367", .fixedLineOrMobile),
        .init("(201) 507-0115", "+12015070115", .fixedLineOrMobile),
        .init("(201) 504-0945", "+12015040945", .fixedLineOrMobile),
        .init("(201) 880-7843", "+12018807843", .fixedLineOrMobile),
        .init("(203) 777-7419", "+12037777419", .fixedLineOrMobile),
        .init("(201) 595-4480", "+12015954480", .fixedLineOrMobile),
        .init("(804) 234-3078", "+18042343078", .fixedLineOrMobile),
        .init("(806) 417-6040", "+18064176040", .fixedLineOrMobile),
        .init("(800) 994-3962", "+18009943962", .tollFree),
    ]

    static let canada: [PhoneSample] = [
        .init("(506) 835-9948", "+15068359948", .fixedLineOrMobile),
        .init("(506) 620-7063", "+15066207063", .fixedLineOrMobile),
        .init("(506) 337-6134", "+15063376134", .fixedLineOrMobile),
        .init("(506) 928-7693", "+15069287693", .fixedLineOrMobile),
        .init("(506) 329-4199", "+15063294199", .fixedLineOrMobile),
        .init("(506) 235-5565", "+15062355565", .fixedLineOrMobile),
        .init("(506) 286-2270", "+15062862270", .fixedLineOrMobile),
        .init("(506) 279-9306", "+15062799306", .fixedLineOrMobile),
        .init("(506) 883-2506", "+15068832506", .fixedLineOrMobile),
        .init("(506) 973-6131", "+15069736131", .fixedLineOrMobile),
        .init("(506) 517-0797", "+15065170797", .fixedLineOrMobile),
        .init("(506) 893-4968", "+15068934968", .fixedLineOrMobile),
        .init("(506) 221-0943", "+15062210943", .fixedLineOrMobile),
        .init("(506) 209-7900", "+15062097900", .fixedLineOrMobile),
        .init("(506) 916-6733", "+15069166733", .fixedLineOrMobile),
        .init("(506) 257-1009", "+15062571009", .fixedLineOrMobile),
        .init("(819) 202-5277", "+18192025277", .fixedLineOrMobile),
        .init("(807) 260-8671", "+18072608671", .fixedLineOrMobile),
        .init("(879) 912-3088", "+18799123088", .fixedLineOrMobile),
    ]

}
