/// One resource's figures within an organization's run.
package struct ResourceFigures: Sendable, Codable {
    /// The source, e.g. `cliniko`.
    package var source: String
    /// The resource, e.g. `patients`.
    package var resource: String
    /// Pages read.
    package var pages = 0
    /// HTTP requests sent, retries included.
    package var requests = 0
    /// Requests sent again after a failure or a rate-limit answer.
    package var retries = 0
    /// Time spent waiting on the source's rate limit, in milliseconds.
    package var rateLimitWaitMilliseconds = 0
    /// Records read (quarantined ones included).
    package var read = 0
    /// Rows inserted into the warehouse.
    package var inserted = 0
    /// Rows whose content changed.
    package var updated = 0
    /// Rows read again with unchanged content.
    package var unchanged = 0
    /// Rows marked removed (full runs only).
    package var removed = 0
    /// Records quarantined.
    package var quarantined = 0
    /// Records stamped after the run's as-of (loaded; the cursor stays at the as-of).
    package var futureTimestamps = 0
    /// Entries of earlier runs' quarantine settled by this run: loaded now, gone from the source, or quarantined again.
    package var quarantineSettled = 0
    /// How long the resource took, in seconds.
    package var seconds = 0.0
    /// Of ``seconds``, the time spent copying pages into the staging tables (`COPY … FROM STDIN`).
    package var copySeconds = 0.0
    /// Of ``seconds``, the time spent merging staged rows into the warehouse and marking removed rows.
    package var mergeSeconds = 0.0
    /// Whether every page arrived (a full fetch may reconcile deletions only then).
    package var complete = false

    /// Creates empty figures for one resource of one source.
    package init(source: String, resource: String) {
        self.source = source
        self.resource = resource
    }
}
