import Foundation
import Testing

@testable import Report

/// `patients.json` is written in pieces through ``PendingFile``: readers must see the old file or the whole new one,
/// never a part, and a write that fails halfway must leave nothing behind.
@Suite("PendingFile")
struct PendingFileTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("routiq-pending-\(UUID().uuidString)")
        try AtomicFileWriter().makeDirectory(folder)
    }

    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test("pieces appear at the path only on commit, whole, with mode 0600")
    func commitReplacesWhole() throws {
        let url = folder.appendingPathComponent("patients.json")
        try AtomicFileWriter().write(Data("old".utf8), to: url)
        let file = try AtomicFileWriter().begin(url)
        try file.write(Array("new ".utf8))
        try file.write(Data("and more".utf8))
        #expect(try String(contentsOf: url, encoding: .utf8) == "old", "the old file stays until commit")
        #expect(try contents().count == 2, "the pieces go to a temporary file beside it")
        try file.commit()
        #expect(try String(contentsOf: url, encoding: .utf8) == "new and more")
        #expect(try contents() == ["patients.json"], "no temporary file is left")
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        try FileManager.default.removeItem(at: folder)
    }

    @Test("a file dropped or discarded before commit leaves the old file and no temporary file")
    func abandonedLeavesOld() throws {
        let url = folder.appendingPathComponent("patients.json")
        try AtomicFileWriter().write(Data("old".utf8), to: url)
        do {
            let file = try AtomicFileWriter().begin(url)
            try file.write(Array("half of a doc".utf8))
        }
        #expect(try contents() == ["patients.json"], "dropping the value removes its temporary file")
        let discarded = try AtomicFileWriter().begin(url)
        try discarded.write(Array("half".utf8))
        discarded.discard()
        #expect(throws: ReportError.self) { try discarded.write(Array("more".utf8)) }
        #expect(try String(contentsOf: url, encoding: .utf8) == "old")
        #expect(try contents() == ["patients.json"])
        try FileManager.default.removeItem(at: folder)
    }
}
