import ArgumentParser
import Foundation
import Transform

extension RoutIQ {
    /// `routiq phone`: normalizes phone numbers read from standard input, one per line.
    struct Phone: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Normalize phone numbers to E.164, one per line from standard input.",
            discussion: """
                Writes one line per input line: input<TAB>e164<TAB>type<TAB>status, where status is `ok` or \
                the reason no number was taken (empty, not_a_number, too_short, too_long, invalid_for_region, \
                invalid_country_code, multiple_numbers). Numbers without a country code are read in --region.
                """
        )

        @Option(
            name: .long,
            help: "The region for numbers written without a country code (ISO 3166-1, e.g. AU, NZ, GB)."
        )
        var region: String = "AU"

        func validate() throws {
            guard PhoneRegion(code: region) != nil else {
                throw ValidationError(
                    "Unknown region '\(region)'; use an ISO 3166-1 code such as AU, NZ, GB, IE, US or CA."
                )
            }
        }

        func run() async throws {
            guard let defaultRegion = PhoneRegion(code: region) else {
                throw ValidationError("Unknown region '\(region)'.")
            }
            let parser = PhoneNumberParser(configuration: .init(defaultRegion: defaultRegion))
            var output = ""
            output.reserveCapacity(1 << 16)
            while let line = readLine(strippingNewline: true) {
                let input = line.hasSuffix("\r") ? String(line.dropLast()) : line
                let result = parser.normalize(input)
                output += Self.sanitized(input)
                output += "\t"
                output += result.e164 ?? ""
                output += "\t"
                output += result.type.rawValue
                output += "\t"
                output += result.failureReason ?? "ok"
                output += "\n"
                if output.utf8.count >= 1 << 16 {
                    FileHandle.standardOutput.write(Data(output.utf8))
                    output.removeAll(keepingCapacity: true)
                }
            }
            FileHandle.standardOutput.write(Data(output.utf8))
        }

        /// The input with tabs replaced, so that the output stays four tab-separated columns.
        static func sanitized(_ input: String) -> String {
            input.contains("\t") ? input.replacingOccurrences(of: "\t", with: " ") : input
        }
    }
}
