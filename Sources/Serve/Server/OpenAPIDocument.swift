import Foundation

/// The API's OpenAPI 3.1 description (`Resources/openapi.json`, served at `/openapi.json`). The tests check that it
/// lists exactly the routes the router serves and that every response validates against it.
public enum OpenAPIDocument {
    /// The document's bytes, as shipped in the module's resources.
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else {
            // Only a broken build lacks the resource; answer with a document that says so rather than trap.
            return Array(
                #"{"openapi":"3.1.0","info":{"title":"RoutIQ API (description missing)","version":"0"},"paths":{}}"#
                    .utf8)
        }
        return Array(data)
    }()
}
