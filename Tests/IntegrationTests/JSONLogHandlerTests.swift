import Foundation
import Logging
import Testing

@testable import routiq

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test("one JSON object per event, with the level, message, label and every metadata key")
    func line() throws {
        var handler = JSONLogHandler(label: "routiq")
        handler[metadataKey: "routiq.org"] = "org_a"
        let event = LogEvent(
            level: .warning, message: "quarantined records", metadata: ["routiq.rows": "3"], source: "routiq",
            file: #fileID, function: #function, line: #line
        )
        let data = try #require(handler.line(for: event, at: Date(timeIntervalSince1970: 1_772_323_200)))
        #expect(data.last == 0x0A)
        #expect(data.dropLast().contains(0x0A) == false, "exactly one line")
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(
            object == [
                "level": "warning", "message": "quarantined records", "label": "routiq", "source": "routiq",
                "routiq.org": "org_a", "routiq.rows": "3", "ts": "2026-03-01T00:00:00.000Z",
            ])
    }

    @Test("--log-format is parsed for every command that logs")
    func parsing() throws {
        let run = try #require(try RoutIQ.parseAsRoot(["run", "p.yml", "--log-format", "json"]) as? RoutIQ.Run)
        #expect(run.options.logFormat == .json)
        let history = try #require(try RoutIQ.parseAsRoot(["history"]) as? any LoggingCommand)
        #expect(history.logFormat == .text)
        let serve = try #require(try RoutIQ.parseAsRoot(["serve"]) as? any LoggingCommand)
        #expect(serve.logFormat == .json)
        let textServe = try #require(try RoutIQ.parseAsRoot(["serve", "--log-format", "text"]) as? any LoggingCommand)
        #expect(textServe.logFormat == .text)
        #expect(throws: (any Error).self) { try RoutIQ.parseAsRoot(["history", "--log-format", "xml"]) }
    }
}
