import Foundation
import Load
import Pipeline

extension PipelineDefinition {
    /// The time zone the pipeline reads `organization`'s days in (`timezone_from`): its own, or a fixed one; UTC when
    /// the identifier is unknown.
    func timeZone(of organization: Organization) -> TimeZone {
        switch timeZoneSource {
        case .organization: TimeZone(identifier: organization.timeZone) ?? .gmt
        case .fixed(let identifier): TimeZone(identifier: identifier) ?? .gmt
        }
    }
}
