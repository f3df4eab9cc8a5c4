import CardKitJSON
import CardKitTestSupport
import CardSchemas
import Foundation
import JSONSchema
import Testing

@Suite struct CardSchemaCatalogTests {
    static let schemasDirectory = SharedFixtures.projectRoot.appendingPathComponent("schemas", isDirectory: true)

    /// The `schemas/` folder's JSON files, relative paths, sorted.
    static func schemaFiles() throws -> [String] {
        let base = schemasDirectory.standardizedFileURL.path
        let enumerator = try #require(FileManager.default.enumerator(atPath: base))
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".json") { paths.append(path) }
        }
        return paths.sorted()
    }

    @Test func embeddedSchemasMatchTheSchemasFolderExactly() throws {
        let files = try Self.schemaFiles()
        let embedded = CardSchemaCatalog.shared.documents
        #expect(
            embedded.map(\.path) == files,
            "Sources/CardSchemas/EmbeddedSchemas.swift is out of date: run scripts/embed-schemas")
        for document in embedded {
            let onDisk = try String(
                contentsOf: Self.schemasDirectory.appendingPathComponent(document.path), encoding: .utf8)
            #expect(document.text == onDisk, "\(document.path) differs from schemas/: run scripts/embed-schemas")
        }
    }

    @Test func everySchemaHasItsPathAsIdAndATitle() {
        #expect(CardSchemaCatalog.shared.documents.count == 30)
        for document in CardSchemaCatalog.shared.documents {
            #expect(document.value["$id"]?.stringValue == "https://cardkit.dev/schemas/" + document.path)
            #expect(document.value["$schema"]?.stringValue == "https://json-schema.org/draft/2020-12/schema")
            #expect(document.value["title"]?.stringValue?.isEmpty == false, "\(document.path)")
            #expect(document.value["description"]?.stringValue?.isEmpty == false, "\(document.path)")
        }
    }

    @Test(arguments: CardSchemaName.allCases)
    func everyNamedSchemaCompilesInBothProfiles(_ name: CardSchemaName) throws {
        for profile in CardSchemaProfile.allCases {
            let schema = try CardSchemaCatalog.shared.schema(name, profile: profile)
            #expect(schema.rootURI == name.id(profile: profile))
            #expect(CardSchemaCatalog.shared.document(name.id(profile: profile)) != nil)
        }
        #expect(CardSchemaName(name: name.rawValue) == name)
    }

    @Test func platformSchemasHaveOneProfile() {
        #expect(CardSchemaName.v2.path(profile: .strict) == "strict/card-v2.json")
        #expect(CardSchemaName.bookV2.path(profile: .lenient) == "lenient/book-v2.json")
        #expect(CardSchemaName.chattrCharacter.path(profile: .strict) == "platforms/chattr-character.json")
        #expect(CardSchemaName.chattrCharacter.path(profile: .lenient) == "platforms/chattr-character.json")
        #expect(!CardSchemaName.spicychatPersona.hasProfiles)
        #expect(CardSchemaName(name: "card-v3") == .v3)
        #expect(CardSchemaName(name: "World-Info") == .worldInfo)
        #expect(CardSchemaName(name: "nope") == nil)
    }

    @Test func concurrentLookupsShareOneCompiledSchema() async throws {
        let catalog = CardSchemaCatalog()
        let card: JSONValue = ["spec": "chara_card_v2", "data": ["name": "x"]]
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask { (try? catalog.schema(.v2, profile: .lenient).isValid(card)) ?? false }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results == Array(repeating: true, count: 16))
    }

    @Test func userSchemaCanReferenceShippedSchemas() throws {
        let text = #"""
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "$ref": "https://cardkit.dev/schemas/strict/card-v2.json",
             "properties": {"data": {"properties": {"creator": {"minLength": 1}}}}}
            """#
        let schema = try CardSchemaCatalog.shared.compile(schemaBytes: Array(text.utf8), source: "house.json")
        #expect(schema.rootURI.hasPrefix("file://"))
        #expect(schema.rootURI.hasSuffix("/house.json"))
        let card = try JSONParser.parse(Array(SampleCards.validV2.utf8)).value
        let report = try CardValidator.validate(card, schema: .compiled(schema, label: "house.json"))
        #expect(report.errors.map(\.instanceLocation.description) == ["/data/creator"])
        #expect(report.errors.first?.keywordLocation.description == "/properties/data/properties/creator/minLength")
    }

    @Test func badUserSchemaFailsAtCompileTimeWithItsName() {
        let text = #"{"$ref": "https://cardkit.dev/schemas/strict/nope.json"}"#
        #expect {
            _ = try CardSchemaCatalog.shared.compile(schemaBytes: Array(text.utf8), source: "bad.json")
        } throws: { error in
            guard let error = error as? CardSchemaError, case .invalidSchema(let source, let inner) = error else {
                return false
            }
            return source == "bad.json" && inner.kind == .unresolvableReference
        }
        #expect(throws: CardSchemaError.self) {
            _ = try CardSchemaCatalog.shared.compile(schemaBytes: Array("{".utf8), source: "broken.json")
        }
    }
}

/// Small cards written for these tests.
enum SampleCards {
    /// A V2 card valid under both profiles, with an empty `creator`.
    static let validV2 = #"""
        {"spec": "chara_card_v2", "spec_version": "2.0", "data": {
          "name": "Ada", "description": "A clockmaker.", "personality": "patient", "scenario": "", "first_mes": "Hello.",
          "mes_example": "", "creator_notes": "", "system_prompt": "", "post_history_instructions": "",
          "alternate_greetings": [], "tags": ["clocks"], "creator": "", "character_version": "1", "extensions": {}}}
        """#

    /// A V2 card with a book lacking `extensions`, a numeric `character_version` and `tags: ""`.
    static let lenientOnlyV2 = #"""
        {"spec": "chara_card_v2", "spec_version": "2.0", "data": {
          "name": "Bo", "description": "", "personality": "", "scenario": "", "first_mes": "", "mes_example": "",
          "creator_notes": "", "system_prompt": "", "post_history_instructions": "", "alternate_greetings": [],
          "tags": "", "creator": "", "character_version": 2, "extensions": {},
          "character_book": {"name": "Bo's book", "entries": [
            {"keys": ["kettle"], "content": "The kettle whistles.", "extensions": {}, "enabled": true, "insertion_order": 1}]}}}
        """#
}
