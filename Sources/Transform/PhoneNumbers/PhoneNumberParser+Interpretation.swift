extension PhoneNumberParser {
    /// A number, or why there is none.
    typealias ParseResult = Result<PhoneNumber, PhoneNumberParseError>

    /// Parses a whole field: rejects empty text and e-mail addresses, splits it into segments and makes sure
    /// it holds at most one number.
    func parse(bytes: UnsafeBufferPointer<UInt8>) -> ParseResult {
        guard bytes.contains(where: { !TextScanner.isWhiteSpace($0) }) else {
            return .failure(PhoneNumberParseError(reason: .empty))
        }
        if bytes.contains(UInt8(ascii: "@")) {
            return .failure(PhoneNumberParseError(reason: .notANumber))
        }
        let segments = TextScanner.numberSegments(in: bytes)
        guard segments.count > 1 else {
            return parseSingle(bytes[...])
        }
        // Two numbers in one field: take one only if every segment is the same number written twice.
        var first: PhoneNumber?
        for segment in segments {
            guard case .success(let number) = parseSingle(bytes[segment]) else {
                return .failure(PhoneNumberParseError(reason: .multipleNumbers))
            }
            if let first, first.e164 != number.e164 {
                return .failure(PhoneNumberParseError(reason: .multipleNumbers))
            }
            first = first ?? number
        }
        guard let first else { return .failure(PhoneNumberParseError(reason: .notANumber)) }
        return .success(first)
    }

    /// Parses text that holds at most one number.
    func parseSingle(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> ParseResult {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: TextScanner.maximumDigits) { buffer in
            let scanned = TextScanner.scan(bytes, digits: buffer)
            guard scanned.digitCount >= 3 else {
                return .failure(PhoneNumberParseError(reason: .notANumber))
            }
            guard scanned.digitCount <= TextScanner.maximumDigits else {
                return .failure(PhoneNumberParseError(reason: .tooLong))
            }
            let digits = UnsafeBufferPointer(rebasing: buffer[..<scanned.digitCount])
            return interpret(digits, hasInternationalMarker: scanned.hasPlus, extension: scanned.extensionText)
        }
    }

    /// Applies RoutIQ's reading order to the digits of one number.
    func interpret(
        _ digits: UnsafeBufferPointer<UInt8>,
        hasInternationalMarker: Bool,
        extension: String?
    ) -> ParseResult {
        if hasInternationalMarker {
            return readInternational(digits[...], extension: `extension`)
        }
        for prefix in internationalPrefixes where digits.count > prefix.count && digits.starts(with: prefix) {
            return readInternational(digits[prefix.count...], extension: `extension`)
        }
        let national = readNational(digits, extension: `extension`)
        guard case .failure(let nationalError) = national else { return national }
        let international = readInternational(digits[...], extension: `extension`)
        guard case .failure(let internationalError) = international else { return international }
        // Report the national reading's reason unless it only says "invalid" and the international
        // reading knows better (a truncated `61…` number is too short, not invalid).
        if nationalError.reason == .invalidForRegion,
            internationalError.reason == .tooShort || internationalError.reason == .tooLong
        {
            return international
        }
        return national
    }

    /// Reads digits as a national number of the default region, with or without its trunk prefix.
    func readNational(_ digits: UnsafeBufferPointer<UInt8>, extension: String?) -> ParseResult {
        guard let country = regionCountry else {
            return .failure(PhoneNumberParseError(reason: .invalidForRegion))
        }
        if !nationalPrefix.isEmpty, digits.count > nationalPrefix.count, digits.starts(with: nationalPrefix) {
            let stripped = digits[nationalPrefix.count...]
            let reading = plan.read(stripped, in: country)
            if reading.isValid {
                return .success(
                    makeNumber(country: country, digits: stripped, types: reading.types, extension: `extension`)
                )
            }
            let asWritten = plan.read(digits, in: country)
            if asWritten.isValid {
                return .success(
                    makeNumber(country: country, digits: digits[...], types: asWritten.types, extension: `extension`)
                )
            }
            return .failure(
                PhoneNumberParseError(reason: failureReason(for: reading, count: stripped.count, in: country))
            )
        }
        let reading = plan.read(digits, in: country)
        if reading.isValid {
            return .success(
                makeNumber(country: country, digits: digits[...], types: reading.types, extension: `extension`)
            )
        }
        return .failure(PhoneNumberParseError(reason: failureReason(for: reading, count: digits.count, in: country)))
    }

    /// Reads digits as an international number: country calling code first, then the national number.
    func readInternational(
        _ digits: Slice<UnsafeBufferPointer<UInt8>>,
        extension: String?
    ) -> ParseResult {
        var callingCode = 0
        var index = digits.startIndex
        // Country calling codes never start with 0.
        guard index < digits.endIndex, digits[index] != 0 else {
            return .failure(PhoneNumberParseError(reason: .invalidCountryCode))
        }
        for _ in 0..<3 {
            guard index < digits.endIndex else { break }
            callingCode = callingCode * 10 + Int(digits[index])
            index += 1
            guard let country = plan.country(callingCode: callingCode) else { continue }
            let national = digits[index...]
            let reading = plan.read(national, in: country)
            if reading.isValid {
                return .success(
                    makeNumber(country: country, digits: national, types: reading.types, extension: `extension`)
                )
            }
            // A trunk prefix written after the country code: `+61 (0) 491 570 156`, `+44 (0)20 7946 0000`.
            let prefix = country.nationalPrefix
            if !prefix.isEmpty, national.count > prefix.count, national.starts(with: prefix) {
                let stripped = national.dropFirst(prefix.count)
                let strippedReading = plan.read(stripped, in: country)
                if strippedReading.isValid {
                    return .success(
                        makeNumber(
                            country: country,
                            digits: stripped,
                            types: strippedReading.types,
                            extension: `extension`
                        )
                    )
                }
            }
            return .failure(
                PhoneNumberParseError(reason: failureReason(for: reading, count: national.count, in: country))
            )
        }
        return .failure(PhoneNumberParseError(reason: .invalidCountryCode))
    }

    /// Explains why a national significant number is not valid.
    func failureReason(
        for reading: NumberingPlan.Reading,
        count: Int,
        in country: NumberingPlan.Country
    ) -> PhoneNumberParseError.Reason {
        if reading.isPrefixOfValidNumber { return .tooShort }
        if reading.hasValidPrefix { return .tooLong }
        let lengths = country.possibleLengths
        if count < lengths.trailingZeroBitCount { return .tooShort }
        if count >= UInt32.bitWidth - lengths.leadingZeroBitCount { return .tooLong }
        return .invalidForRegion
    }

    func makeNumber(
        country: NumberingPlan.Country,
        digits: Slice<UnsafeBufferPointer<UInt8>>,
        types: NumberingPlan.TypeMask,
        extension: String?
    ) -> PhoneNumber {
        let national = String(unsafeUninitializedCapacity: digits.count) { buffer in
            for (offset, digit) in digits.enumerated() {
                buffer[offset] = digit &+ UInt8(ascii: "0")
            }
            return digits.count
        }
        return PhoneNumber(
            countryCode: country.callingCode,
            nationalNumber: national,
            type: types.numberType,
            extension: `extension`
        )
    }
}
