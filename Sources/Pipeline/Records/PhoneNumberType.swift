/// The kind of line a phone number belongs to, as the region's numbering plan defines it.
///
/// Raw values are the snake_case names stored in the database and printed by `routiq phone`.
public enum PhoneNumberType: String, Sendable, Hashable, Codable, CaseIterable {
    /// A mobile number.
    case mobile
    /// A geographic fixed-line (landline) number.
    case fixedLine = "fixed_line"
    /// A number the plan does not tell apart as fixed line or mobile (for example in the United States).
    case fixedLineOrMobile = "fixed_line_or_mobile"
    /// A free-to-caller number, such as Australian `1800` numbers.
    case tollFree = "toll_free"
    /// A shared-cost number, such as Australian `13`/`1300` numbers.
    case sharedCost = "shared_cost"
    /// A premium-rate number.
    case premiumRate = "premium_rate"
    /// A voice-over-IP number.
    case voip
    /// A personal (follow-me) number.
    case personalNumber = "personal_number"
    /// A pager number.
    case pager
    /// A universal access number (a company number routed by the carrier).
    case uan
    /// A voicemail access number.
    case voicemail
    /// A number whose type is not known (no number was found, or the plan gives no type).
    case unknown
}
