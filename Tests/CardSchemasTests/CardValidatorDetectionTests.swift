import CardKitJSON
import CardSchemas
import JSONSchema
import Testing

@Suite struct CardValidatorDetectionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var json: String
        var schema: CardSchemaName
        var testDescription: String { json }
    }

    static let cases: [Case] = [
        Case(json: #"{"spec": "chara_card_v3", "data": {}}"#, schema: .v3),
        Case(json: #"{"spec": "chara_card_v2", "data": {}}"#, schema: .v2),
        Case(json: #"{"spec": "lorebook_v3", "data": {"entries": []}}"#, schema: .lorebookV3),
        Case(json: #"{"spec": "chara_card_v9", "data": {}}"#, schema: .v2),
        Case(json: #"{"type": "cardkit_persona", "version": 1, "name": "Al", "description": ""}"#, schema: .persona),
        Case(json: #"{"entries": {"0": {"uid": 0, "key": [], "content": ""}}}"#, schema: .worldInfo),
        Case(json: #"{"name": "Old", "description": "", "personality": ""}"#, schema: .v1),
        Case(json: #"{"name": "Flat", "system_prompt": "", "extensions": {}}"#, schema: .v1),
    ]

    @Test(arguments: cases)
    func autoPicksTheSchemaFromTheDocument(_ testCase: Case) throws {
        let json = try JSONParser.parse(Array(testCase.json.utf8)).value
        let (name, reason) = try CardValidator.detectSchema(for: json)
        #expect(name == testCase.schema)
        #expect(!reason.isEmpty)
    }

    @Test func undetectableDocumentsAreReportedWithAPointer() {
        #expect(
            throws: CardSchemaError.undetectable(pointer: JSONPointer(), reason: "the document is array, not an object")
        ) {
            _ = try CardValidator.detectSchema(for: [1, 2])
        }
        let pygmalion: JSONValue = ["char_name": "P", "char_persona": ""]
        let record = CardValidator.record(json: pygmalion, file: "p.json")
        #expect(record.failure?.hasPrefix("/char_name: cannot choose a schema: Pygmalion") == true)
        #expect(!record.isValid)
    }

    @Test func unknownSpecFailsTheV2SpecConstant() throws {
        let json = try JSONParser.parse(Array(#"{"spec": "chara_card_v9", "data": {"name": "x"}}"#.utf8)).value
        let report = try CardValidator.validate(json, profile: .lenient)
        #expect(report.schema == "v2")
        #expect(report.errors.map(\.keywordLocation.description) == ["/properties/spec/const"])
        #expect(report.reason?.contains("chara_card_v9") == true)
    }

    @Test func lenientAcceptsWhatStrictRejects() throws {
        let json = try JSONParser.parse(Array(SampleCards.lenientOnlyV2.utf8)).value
        #expect(try CardValidator.validate(json, profile: .lenient).isValid)
        let strict = try CardValidator.validate(json, profile: .strict)
        #expect(
            strict.errors.map(\.instanceLocation.description).sorted()
                == ["/data/character_book", "/data/character_version", "/data/tags"])
        #expect(strict.profile == .strict)
        #expect(strict.schemaID == "https://cardkit.dev/schemas/strict/card-v2.json")
    }

    @Test func namedSchemaOverridesDetection() throws {
        let json = try JSONParser.parse(Array(SampleCards.validV2.utf8)).value
        let report = try CardValidator.validate(json, schema: .named(.v3), profile: .strict)
        #expect(report.reason == nil)
        #expect(report.errors.map(\.keywordLocation.description).contains("/properties/spec/const"))
        #expect(report.errors.map(\.keywordLocation.description).contains("/properties/data/$ref/required"))
    }
}

@Suite struct PlatformSchemaTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var schema: CardSchemaName
        var json: String
        /// The instance locations of the expected errors; empty for a valid object.
        var errors: [String]
        var testDescription: String { "\(schema) \(errors)" }
    }

    static let cases: [Case] = [
        Case(
            schema: .spicychatCharacter,
            json:
                #"{"name": "Ada", "title": "Clockmaker", "greeting": "Hi", "persona": "A clockmaker.", "scenario": "", "dialogue": "", "tags": ["Fantasy", "Female"], "visibility": "private"}"#,
            errors: []),
        Case(
            schema: .spicychatCharacter,
            json: #"{"name": "Ada", "greeting": "Hi", "persona": "x", "tags": ["Fantasy"], "visibility": "secret"}"#,
            errors: ["/tags", "/visibility"]),
        Case(
            schema: .spicychatPersona,
            json: #"{"name": "Al", "highlights": "tall", "avatar_url": "k/1.png", "is_default": false}"#,
            errors: []),
        Case(schema: .spicychatPersona, json: #"{"highlights": 3}"#, errors: ["", "/highlights"]),
        Case(
            schema: .chattrCharacter,
            json:
                #"{"id": "ada-lovelace", "name": "Ada", "description": "", "personality": "", "voice_model": "default", "capabilities": ["text"], "configuration": {"temperature": 0.7, "max_tokens": 512, "system_prompt": "Be Ada."}}"#,
            errors: []),
        Case(
            schema: .chattrCharacter, json: #"{"id": "Ada Lovelace", "name": "Ada", "capabilities": ["smell"]}"#,
            errors: ["/id", "/capabilities/0"]),
        Case(
            schema: .nextchatCharacter,
            json:
                #"{"name": "Ada", "description": "d", "personality": {"name": "Ada", "description": "d", "personality": "", "scenario": "", "firstMes": "Hi", "mesExample": "", "alternateGreetings": ["Yo"], "characterBook": {"name": "b", "entries": [{"keys": ["k"], "content": "c"}]}}, "tags": [], "isPublic": false}"#,
            errors: []),
        Case(
            schema: .nextchatCreateCharacterRequest,
            json: #"{"name": "Ada", "description": "d", "personality": {"name": "Ada"}}"#,
            errors: ["/personality"]),
        Case(
            schema: .characterAICharacter,
            json:
                #"{"name": "Ada", "greeting": "Hello there", "title": "", "description": "", "definition": "", "visibility": "PRIVATE", "copyable": false, "identifier": "id:123e4567-e89b-42d3-a456-426614174000"}"#,
            errors: []),
        Case(
            schema: .characterAICharacter,
            json: #"{"name": "Ada Augusta King, Countess of Lovelace", "greeting": "Hi", "title": "ab"}"#,
            errors: ["/greeting", "/name", "/title"]),
        Case(schema: .characterAIPersona, json: #"{"name": "Al", "definition": ""}"#, errors: ["/name"]),
    ]

    @Test(arguments: cases)
    func platformObjects(_ testCase: Case) throws {
        let json = try JSONParser.parse(Array(testCase.json.utf8)).value
        let report = try CardValidator.validate(json, schema: .named(testCase.schema))
        #expect(report.profile == nil)
        #expect(Set(report.errors.map(\.instanceLocation.description)) == Set(testCase.errors), "\(report.errors)")
    }

    @Test func personaProfiles() throws {
        let persona: JSONValue = [
            "type": "cardkit_persona", "version": 1, "name": "Alice", "description": "",
            "avatar": "../outside.png", "extensions": ["sillytavern": ["position": 9]],
        ]
        let strict = try CardValidator.validate(persona, profile: .strict)
        #expect(
            Set(strict.errors.map(\.instanceLocation.description))
                == ["/avatar", "/extensions/sillytavern/position"])
        let lenient = try CardValidator.validate(persona, profile: .lenient)
        #expect(Set(lenient.errors.map(\.instanceLocation.description)) == ["/avatar"])
        var fine = persona
        if case .object(var object) = fine {
            object["avatar"] = "Alice.png"
            object["extensions"] = ["sillytavern": ["position": 0, "depth": 2, "role": 0, "is_default": true]]
            fine = .object(object)
        }
        #expect(try CardValidator.validate(fine, profile: .strict).isValid)
    }
}
