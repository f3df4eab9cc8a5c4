import CardKit
@_spi(Testing) import CardKitFiles
import CardKitTestSupport
import Foundation
import Testing

@testable import CardPlatforms

@Suite struct PersonaImportTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 9, 9]

    /// A SillyTavern user folder: `settings.json` with three personas (one without an image, one the default),
    /// an orphan description, and `User Avatars/` with two images.
    static func makeUserFolder() throws -> URL {
        let root = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("default-user", isDirectory: true)
        let avatars = root.appendingPathComponent("User Avatars", isDirectory: true)
        try FileManager.default.createDirectory(at: avatars, withIntermediateDirectories: true)
        let settings: JSONValue = [
            "firstRun": false,
            "power_user": [
                "theme": "Default",
                "personas": [
                    "1700000000000-Alice.png": "Alice", "1700000000001-Bob.jpg": "Bob/The Builder",
                    "1700000000002-Ghost.png": "Ghost",
                ],
                "default_persona": "1700000000001-Bob.jpg",
                "persona_descriptions": [
                    "1700000000000-Alice.png": [
                        "description": "{{user}} is a curious explorer.", "position": 0, "depth": 2, "role": 0,
                        "title": "Explorer", "lorebook": "",
                        "connections": [["type": "character", "id": "hatter.png"]],
                    ],
                    "1700000000001-Bob.jpg": ["description": "Builds things.", "position": 4, "depth": 1, "role": 1],
                    "1699999999999-Old.png": ["description": "No persona uses this.", "position": 0],
                ],
                "persona_description": "Builds things.",
            ],
        ]
        try Data(JSONWriter.bytes(settings, style: .pretty)).write(to: root.appendingPathComponent("settings.json"))
        try Data(png).write(to: avatars.appendingPathComponent("1700000000000-Alice.png"))
        try Data(jpeg).write(to: avatars.appendingPathComponent("1700000000001-Bob.jpg"))
        return root
    }

    @Test func importsPersonasFromSettingsAndAvatarFolder() throws {
        let folder = try Self.makeUserFolder()
        let result = try SillyTavernPersonaImporter.load(from: folder)
        #expect(result.personas.map(\.persona.name) == ["Alice", "Bob/The Builder", "Ghost"])
        #expect(
            result.personas.map(\.avatarID) == [
                "1700000000000-Alice.png", "1700000000001-Bob.jpg", "1700000000002-Ghost.png",
            ])
        #expect(result.personas[0].avatarData.map([UInt8].init) == Self.png)
        #expect(result.personas[2].avatarData == nil)
        #expect(result.diagnostics.map(\.code) == [.avatarMissing, .orphanDescription])
        #expect(result.diagnostics[0].pointer == "/power_user/personas/1700000000002-Ghost.png")

        let alice = result.personas[0].persona
        #expect(alice.description == "{{user}} is a curious explorer.")
        #expect(alice.title == "Explorer")
        #expect(!alice.isDefault)
        #expect(result.personas[1].persona.isDefault)
        #expect(result.personas[1].persona.sillyTavern["position"] == 4)

        let out = folder.deletingLastPathComponent().appendingPathComponent("personas", isDirectory: true)
        let written = try SillyTavernPersonaImporter.write(result.personas, to: out)
        #expect(
            written.map(\.lastPathComponent) == [
                "Alice.persona.json", "Bob_The Builder.persona.json", "Ghost.persona.json",
            ])
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(
            files == [
                "Alice.persona.json", "Alice.png", "Bob_The Builder.jpg", "Bob_The Builder.persona.json",
                "Ghost.persona.json",
            ])
        #expect([UInt8](try Data(contentsOf: out.appendingPathComponent("Bob_The Builder.jpg"))) == Self.jpeg)

        let text = try String(contentsOf: written[0], encoding: .utf8)
        #expect(
            text == """
                {
                  "type": "cardkit_persona",
                  "version": 1,
                  "name": "Alice",
                  "title": "Explorer",
                  "description": "{{user}} is a curious explorer.",
                  "avatar": "Alice.png",
                  "extensions": {
                    "sillytavern": {
                      "avatar_id": "1700000000000-Alice.png",
                      "is_default": false,
                      "position": 0,
                      "depth": 2,
                      "role": 0,
                      "lorebook": "",
                      "connections": [
                        {
                          "type": "character",
                          "id": "hatter.png"
                        }
                      ]
                    }
                  }
                }

                """)
        let reread = try PersonaReader.read([UInt8](Data(contentsOf: written[0])))
        #expect(reread.diagnostics.isEmpty)
        #expect(reread.persona == Persona(document: try #require(reread.persona.json.objectValue)))
        #expect(reread.persona.avatar == "Alice.png")
        #expect(try CardValidator.validate(reread.persona.json, schema: .named(.persona)).errors.isEmpty)
        #expect(
            try CardValidator.validate(reread.persona.json, schema: .named(.persona), profile: .strict).errors.isEmpty)

        let ghost = try PersonaReader.read([UInt8](Data(contentsOf: written[2]))).persona
        #expect(ghost.avatar == nil)
        #expect(ghost.description == "")
    }

    @Test func importsABackupFileAndConvertsTheDefaultPersona() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let backup: JSONValue = [
            "personas": ["1700000000000-Alice.png": "Alice"],
            "persona_descriptions": [
                "1700000000000-Alice.png": ["description": "Hi.", "position": 0, "depth": 2, "role": 0]
            ],
            "default_persona": "1700000000000-Alice.png",
        ]
        try Data(JSONWriter.bytes(backup, style: .pretty)).write(
            to: folder.appendingPathComponent("personas_20261122.json"))
        let result = try SillyTavernPersonaImporter.load(from: folder)
        #expect(result.personas.count == 1)
        #expect(result.diagnostics.map(\.code) == [.avatarMissing])
        let persona = result.personas[0].persona
        #expect(persona.isDefault)
        let spicy = try PlatformConverter.convert(persona, to: .spicychat)
        #expect(spicy.output == ["name": "Alice", "highlights": "Hi.", "is_default": true])
        #expect(spicy.report.isLossless)
    }

    @Test func rejectsFilesWithoutPersonaStorage() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let file = folder.appendingPathComponent("settings.json")
        try Data(#"{"power_user": {"theme": "x"}}"#.utf8).write(to: file)
        #expect(
            throws: PersonaImportError.notPersonaStorage(
                path: file.path, pointer: "/power_user/personas", reason: "no `personas` object")
        ) {
            try SillyTavernPersonaImporter.load(from: file)
        }
        #expect(throws: PersonaImportError.self) {
            try SillyTavernPersonaImporter.load(from: folder.appendingPathComponent("missing"))
        }
    }

    @Test func unsafeAvatarIDsAreNotUsedAsPaths() throws {
        let storage: JSONValue = ["personas": ["../../etc/passwd": "Mallory"], "persona_descriptions": [:]]
        let result = try SillyTavernPersonaImporter.personas(
            in: storage, path: "x.json", avatarsDirectory: URL(fileURLWithPath: "/tmp"))
        #expect(result.personas.first?.avatarData == nil)
        #expect(result.diagnostics.map(\.code) == [.unsafeAvatarID])
    }

    @Test func atomicWritesLeaveNoTemporaryFiles() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let target = folder.appendingPathComponent("a.json")
        try SillyTavernPersonaImporter.writeAtomically(Data("one".utf8), to: target)
        try SillyTavernPersonaImporter.writeAtomically(Data("two".utf8), to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.json"])
        var used: Set<String> = []
        #expect(
            ["A", "a", "", "..x"].map { SillyTavernPersonaImporter.uniqueBaseName(for: $0, used: &used) } == [
                "A", "a-2", "persona", "x",
            ])
    }
}

@Suite struct PersonaReaderTests {
    @Test func recognisesTheMarker() {
        #expect(PersonaReader.isPersona(bytes: Array(#"{"type":"cardkit_persona","name":"A"}"#.utf8)))
        #expect(!PersonaReader.isPersona(bytes: Array(#"{"spec":"chara_card_v2","data":{}}"#.utf8)))
        #expect(!PersonaReader.isPersona(bytes: Array("not json".utf8)))
    }

    @Test func readsLenientlyWithDiagnostics() throws {
        let result = try PersonaReader.read(Array(#"{"type":"cardkit_persona","version":2,"name":"A","x":1}"#.utf8))
        #expect(result.diagnostics.map(\.code) == [.newerPersonaVersion, .missingField])
        #expect(result.persona.document["x"] == 1)
        #expect(result.persona.description == "")
    }

    @Test(arguments: [
        (#"{"type":"cardkit_persona","version":1}"#, "/name"),
        (#"{"type":"cardkit_persona","version":1,"name":3}"#, "/name"),
        (#"{"type":"cardkit_persona","version":1,"name":"A","avatar":"/etc/passwd"}"#, "/avatar"),
        (#"{"type":"cardkit_persona","version":1,"name":"A","avatar":"../x.png"}"#, "/avatar"),
        (#"{"type":"cardkit_persona","version":1,"name":"A","extensions":[]}"#, "/extensions"),
        (#"{"type":"cardkit_persona","version":0,"name":"A"}"#, "/version"),
    ])
    func rejectsInvalidFields(json: String, pointer: String) {
        do {
            _ = try PersonaReader.read(Array(json.utf8))
            Issue.record("expected an error for \(json)")
        } catch {
            guard case .invalidField(let found, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(found.description == pointer)
            #expect(error.description.contains(pointer))
        }
    }

    @Test func rejectsOtherDocuments() {
        #expect(throws: PersonaError.notAPersona(pointer: "/type", reason: "`type` is not \"cardkit_persona\"")) {
            try PersonaReader.read(Array(#"{"name":"A"}"#.utf8))
        }
    }
}

@Suite struct PersonaFileNameTests {
    @Test func namesBecomeSafeBoundedFileNames() throws {
        var used: Set<String> = []
        let cjk = String(repeating: "漢", count: 70)
        let zalgo = "Z" + String(repeating: "\u{0301}\u{0316}\u{0334}", count: 200)
        let names = [
            cjk, zalgo, "\u{0007}\u{0008}", "a/b\\c", "e\u{0301}", "é", "", String(repeating: "a", count: 300),
        ]
        let bases = names.map { SillyTavernPersonaImporter.uniqueBaseName(for: $0, used: &used) }
        #expect(
            bases == [
                // NFC composes Z and U+0301 and puts the class-1 overlays first; two marks are kept.
                String(repeating: "漢", count: 33), "\u{0179}\u{0334}\u{0334}", "persona-8285e07b4e2d40a", "a_b_c", "é",
                "é-2",
                "persona", String(repeating: "a", count: 100),
            ])
        #expect(bases.allSatisfy { $0.utf8.count <= SillyTavernPersonaImporter.maxBaseNameBytes })
    }

    @Test func importsPersonasWithHostileNames() throws {
        let storage: JSONValue = [
            "personas": [
                "a.png": .string(String(repeating: "漢", count: 70)), "b.png": "Z\u{0301}\u{0316}\u{0334}\u{0335}",
            ],
            "persona_descriptions": [:],
        ]
        let result = try SillyTavernPersonaImporter.personas(in: storage, path: "x.json", avatarsDirectory: nil)
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let written = try SillyTavernPersonaImporter.write(result.personas, to: folder)
        #expect(
            written.map(\.lastPathComponent) == [
                String(repeating: "漢", count: 33) + ".persona.json", "\u{0179}\u{0334}\u{0335}.persona.json",
            ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
    }

    @Test func aFullDiskLeavesNoTemporaryFile() throws {
        let storage: JSONValue = ["personas": ["a.png": "Alice"], "persona_descriptions": [:]]
        let result = try SillyTavernPersonaImporter.personas(in: storage, path: "x.json", avatarsDirectory: nil)
        let folder = try SharedFixtures.makeTemporaryDirectory()
        do {
            try AtomicFileFaults.$byteBudget.withValue(AtomicFileFaults.ByteBudget(bytes: 10)) {
                try SillyTavernPersonaImporter.write(result.personas, to: folder)
            }
            Issue.record("the write did not fail")
        } catch let error as PersonaImportError {
            #expect(
                error
                    == .writeFailed(
                        path: folder.appendingPathComponent("Alice.persona.json").path,
                        reason: "No space left on device"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
    }
}
