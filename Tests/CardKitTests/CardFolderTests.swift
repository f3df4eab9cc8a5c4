import CardKit
import CardKitTestSupport
import Foundation
import Testing

private let samples = SharedFixtures.samplesDirectory

/// The container a shared card packs back into.
private func target(for name: String) -> CardFolderTarget {
    CardFolderTarget(path: name) ?? .json
}

@Suite(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct CardFolderSharedCardTests {
    static let cards = SharedFixtures.cardNames(extensions: ["png", "charx", "json", "yaml"])
        .filter { $0 != "st_worldinfo_Eldoria.json" }

    /// `unpack` then `pack` gives back the same V3 value (exactly: key order and number texts), image and files.
    @Test(arguments: cards) func unpackThenPackGivesBackTheCard(name: String) throws {
        let data = try SharedFixtures.cardData(name)
        let folder = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("card")
        let written = try CardFolder.unpack(data: data, path: name, to: folder)
        #expect(written.first == "card.json")
        #expect(written.last == "cardkit-folder.json")
        let packed = try CardFolder.pack(folder, as: target(for: name))
        let before = try AuthoringSource.load(data: data, path: name, options: .init())
        let after = try AuthoringSource.load(data: Data(packed.bytes), path: "packed", options: .init())
        #expect(after.v3.json == before.v3.json)
        #expect(packed.card.json == before.v3.json)
        if name.hasSuffix(".png") {
            #expect(
                try PNGTestChunks.nonCardChunks(packed.bytes)
                    == PNGTestChunks.nonCardChunks([UInt8](data)))
        }
        if name.hasSuffix(".charx") {
            #expect(after.charx?.files == before.charx?.files)
        }
    }

    @Test func theFolderIsReadable() throws {
        let name = "stc_Sakana_lorebook14_eXIf.png"
        let folder = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("sakana")
        let written = try CardFolder.unpack(data: SharedFixtures.cardData(name), path: name, to: folder)
        let entries = written.filter { $0.hasPrefix("lorebook/") }
        #expect(entries.count == 14)
        #expect(
            entries.allSatisfy { $0.range(of: #"^lorebook/0\d\d-[a-z0-9-]+\.md$"#, options: .regularExpression) != nil }
        )
        #expect(written.contains("description.md") && written.contains("first_mes.md") && written.contains("image.png"))
    }
}

@Suite struct CardFolderTests {
    private func unpackSample() throws -> URL {
        let data = try Data(contentsOf: samples.appendingPathComponent("v2-archivist-with-lorebook.json"))
        let folder = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("pell")
        try CardFolder.unpack(data: data, path: "pell.json", to: folder)
        return folder
    }

    @Test func editedFilesChangeTheCard() throws {
        let folder = try unpackSample()
        try Data("A new description.\n".utf8).write(to: folder.appendingPathComponent("description.md"))
        let greetings = folder.appendingPathComponent("alternate_greetings")
        try FileManager.default.createDirectory(at: greetings, withIntermediateDirectories: true)
        try Data("Another hello.\n".utf8).write(to: greetings.appendingPathComponent("99.md"))
        let card = try CardFolder.pack(folder, as: .json).card
        #expect(card.description == "A new description.")
        #expect(card.alternateGreetings.last == "Another hello.")
    }

    @Test func renamingAnEntryFileMovesItAndANewFileAddsOne() throws {
        let folder = try unpackSample()
        let lorebook = folder.appendingPathComponent("lorebook")
        let names = try FileManager.default.contentsOfDirectory(atPath: lorebook.path).sorted()
        #expect(names.count == 3)
        let before = try CardFolder.pack(folder, as: .json).card.characterBook?.entries.map(\.content) ?? []
        try FileManager.default.moveItem(
            at: lorebook.appendingPathComponent(names[2]), to: lorebook.appendingPathComponent("000-first.md"))
        try Data("Dragons sleep under the library.".utf8).write(to: lorebook.appendingPathComponent("900-dragons.md"))
        let result = try CardFolder.pack(folder, as: .json)
        let entries = try #require(result.card.characterBook?.entries)
        #expect(entries.map(\.content) == [before[2], before[0], before[1], "Dragons sleep under the library."])
        #expect(entries.last?.keys == ["dragons"])
        #expect(
            result.diagnostics.map(\.message) == [
                #"900-dragons.md has no front matter: a new entry keyed "dragons" with the file as content"#
            ])
    }

    @Test func aFolderThatIsNotEmptyIsRefused() throws {
        let folder = try unpackSample()
        let data = try Data(contentsOf: samples.appendingPathComponent("v2-archivist-with-lorebook.json"))
        #expect {
            try CardFolder.unpack(data: data, path: "pell.json", to: folder)
        } throws: { error in
            (error as? CardAuthoringError)?.description
                == "\(folder.path): error: the folder is not empty; unpack into a new folder"
        }
    }

    @Test func aMissingTextFileIsNamed() throws {
        let folder = try unpackSample()
        try FileManager.default.removeItem(at: folder.appendingPathComponent("scenario.md"))
        #expect {
            try CardFolder.pack(folder, as: .json)
        } throws: { error in
            (error as? CardAuthoringError)?.description
                == "\(folder.appendingPathComponent("scenario.md").path): error: cannot read: no such file or directory"
        }
    }
}
