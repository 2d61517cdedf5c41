/// Raised inside an organization's transaction when ``RejectLimit`` is exceeded; the transaction rolls back.
struct RejectLimitExceeded: Error, CustomStringConvertible {
    let description: String
}
