import Foundation
import Pipeline

/// What an organization's extract phase leaves for its final transaction: every resource in the order it was read,
/// staged (to merge) or only read (counted), and the organization's Clerk profile.
struct Extraction: Sendable {
    /// One resource of the extract.
    enum Resource: Sendable {
        /// Staged in the run's staging area; merged by the final transaction.
        case staged(ResourceLoader.StagedResource)
        /// Read without staging (Clerk's organization record): its figures.
        case read(ResourceFigures)

        /// The resource's figures so far.
        var figures: ResourceFigures {
            switch self {
            case .staged(let staged): staged.figures
            case .read(let figures): figures
            }
        }

        /// Where the resource's cursor moves: the newest record read (capped at the as-of), and whether every page
        /// arrived.
        var cursorMark: (source: String, resource: String, mark: Date?, complete: Bool) {
            switch self {
            case .staged(let staged):
                (staged.source.rawValue, staged.resource, staged.cursor, staged.figures.complete)
            case .read(let figures):
                (figures.source, figures.resource, nil, figures.complete)
            }
        }
    }

    /// The resources, in the order they were read.
    var resources: [Resource] = []
    /// The organization's own record at Clerk, applied with the data.
    var clerkProfile: ClerkOrganization?

    /// Every resource's cursor mark, in order.
    var cursorMarks: [(source: String, resource: String, mark: Date?, complete: Bool)] {
        resources.map(\.cursorMark)
    }
}
