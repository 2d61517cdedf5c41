/// Calendar arithmetic on unix seconds without Foundation, used by the JSON writer and the generators.
enum CivilTime {
    /// Days since 1970-01-01 → (year, month, day), Howard Hinnant's algorithm.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// (year, month, day) → days since 1970-01-01.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func appendDate(_ days: Int64, to bytes: inout [UInt8]) {
        let (y, m, d) = civil(fromDays: days)
        pad(y, 4, &bytes)
        bytes.append(UInt8(ascii: "-"))
        pad(m, 2, &bytes)
        bytes.append(UInt8(ascii: "-"))
        pad(d, 2, &bytes)
    }

    static func appendISO8601(_ seconds: Int64, to bytes: inout [UInt8]) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        guard (0...9999).contains(y) else {
            appendDate(days, to: &bytes)
            return
        }
        // Fill a fixed 20-byte buffer and append it once: this runs five to seven times per record.
        var buffer: (UInt64, UInt64, UInt32) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { out in
            func two(_ value: Int64, _ at: Int) {
                out[at] = UInt8(ascii: "0") &+ UInt8(value / 10)
                out[at + 1] = UInt8(ascii: "0") &+ UInt8(value % 10)
            }
            two(y / 100, 0)
            two(y % 100, 2)
            out[4] = UInt8(ascii: "-")
            two(m, 5)
            out[7] = UInt8(ascii: "-")
            two(d, 8)
            out[10] = UInt8(ascii: "T")
            two(rest / 3600, 11)
            out[13] = UInt8(ascii: ":")
            two(rest / 60 % 60, 14)
            out[16] = UInt8(ascii: ":")
            two(rest % 60, 17)
            out[19] = UInt8(ascii: "Z")
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: out[0..<20]))
        }
    }

    /// Formats unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
    static func iso8601(_ seconds: Int64) -> String {
        var bytes = [UInt8]()
        appendISO8601(seconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` or `YYYY-MM-DD` into unix seconds.
    static func parseISO8601(_ text: some StringProtocol) -> Int64? {
        let chars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= chars.count else { return nil }
            var value: Int64 = 0
            for index in from..<(from + count) {
                let c = chars[index]
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(c - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), chars.count >= 10, chars[4] == UInt8(ascii: "-"),
            let month = number(5, 2), chars[7] == UInt8(ascii: "-"), let day = number(8, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let base = days(year: year, month: month, day: day) * 86_400
        if chars.count == 10 { return base }
        guard chars.count >= 19, chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " "),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var index = 19
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            index += 1
            while index < chars.count, chars[index] >= UInt8(ascii: "0"), chars[index] <= UInt8(ascii: "9") {
                index += 1
            }
        }
        var offset: Int64 = 0
        if index < chars.count {
            let sign = chars[index]
            if sign == UInt8(ascii: "Z") {
                index += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                guard let oh = number(index + 1, 2), let om = number(index + 4, 2) else { return nil }
                offset = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
                index += 6
            } else {
                return nil
            }
        }
        guard index == chars.count else { return nil }
        return base + hour * 3600 + minute * 60 + second - offset
    }

    private static func pad(_ value: Int64, _ width: Int, _ bytes: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
