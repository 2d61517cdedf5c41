/// A resource an extract stage can read: each source has its own closed set (``ClinikoResource``,
/// ``ChatwootResource``, ``ClerkResource``).
///
/// The raw value is the name used in pipeline files and stored in `sync_state`, the quarantine and a run's figures.
/// `allCases` lists every resource of the source in the order a stage reads them by default.
public protocol ExtractResource: RawRepresentable<String>, CaseIterable, Hashable, Sendable
where AllCases == [Self] {}
