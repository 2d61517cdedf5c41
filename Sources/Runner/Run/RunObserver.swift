/// What a run tells whoever watches it (the terminal's progress display): organizations starting and finishing, the
/// stage and resource each one is in, and the records read so far.
///
/// The organizations' concurrent tasks call it, so a conformer must be safe to call from many tasks at once and
/// quick: the calls happen between pages and must not wait. It receives organization ids, stage and resource names and
/// counts only, never record values (STYLE rule 38).
package protocol RunObserver: Sendable {
    /// Lists the organizations the run will take, in order, before any starts.
    ///
    /// - Parameter organizations: Their ids.
    func expect(_ organizations: [String])

    /// One organization started.
    ///
    /// - Parameter id: The organization's id.
    func organizationStarted(_ id: String)

    /// One organization entered `stage`: a stage id such as `extract.cliniko`, or a step such as `commit`.
    ///
    /// - Parameters:
    ///   - stage: The stage's id or the step's name.
    ///   - id: The organization's id.
    func stageStarted(_ stage: String, organization id: String)

    /// One organization started reading `resource` within its current stage.
    ///
    /// - Parameters:
    ///   - resource: The resource, e.g. `patients`.
    ///   - id: The organization's id.
    func resourceStarted(_ resource: String, organization id: String)

    /// The current resource of one organization has read `records` records in `pages` pages so far (both running
    /// totals of that resource).
    ///
    /// - Parameters:
    ///   - records: Records read so far of the resource.
    ///   - pages: Pages read so far of the resource.
    ///   - expected: How many records the resource will yield, when its source said; `nil` otherwise.
    ///   - id: The organization's id.
    func resourceRead(records: Int, pages: Int, expected: Int?, organization id: String)

    /// One organization's part of the run is over.
    ///
    /// - Parameters:
    ///   - id: The organization's id.
    ///   - status: How it ended.
    func organizationFinished(_ id: String, status: OrganizationOutcome.Status)

    /// The run entered a stage it does once for every organization, after they finished (e.g. `report`).
    ///
    /// - Parameter stage: The stage's name.
    func runStageStarted(_ stage: String)
}
