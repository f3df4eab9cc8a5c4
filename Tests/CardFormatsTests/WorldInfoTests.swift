import CardKitJSON
import CardKitTestSupport
import CardModel
import Foundation
import Testing

@testable import CardFormats

@Suite struct WorldInfoTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)).value }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func convertsEldoriaToABookAsSillyTavernDoes() throws {
        let worldInfo = try JSONParser.parse(SharedFixtures.cardData("st_worldinfo_Eldoria.json")).value
        let (book, diagnostics) = try WorldInfoConverter.book(fromWorldInfo: worldInfo, name: "Eldoria").pair
        #expect(diagnostics.isEmpty)
        #expect(book.name == "Eldoria")
        let entries = book.entries
        #expect(entries.count == 4)
        let first = try #require(entries.first)
        #expect(first.keys == ["eldoria", "wood", "forest", "magical forest"])
        #expect(first.id == .number(JSONNumber(0)))
        #expect(first.comment == "eldoria")
        #expect(first.position == "before_char")
        #expect(first.useRegex == true)
        #expect(first.enabled == true)
        #expect(first.insertionOrder?.literal == "100")
        #expect(first.extensions["position"] == .number(JSONNumber(0)))
        #expect(first.extensions["depth"] == .number(JSONNumber(4)))
        #expect(first.extensions["probability"] == .number(JSONNumber(100)))
        #expect(first.extensions["display_index"] == .number(JSONNumber(0)))
        #expect(first.extensions["role"] == .null)
        // Absent in the file, filled with SillyTavern's defaults.
        #expect(first.extensions["selectiveLogic"] == .number(JSONNumber(0)))
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func eldoriaWorldInfoToBookToWorldInfoIsExact() throws {
        let bytes = try SharedFixtures.cardData("st_worldinfo_Eldoria.json")
        let worldInfo = try JSONParser.parse(bytes).value
        let (book, _) = try WorldInfoConverter.book(fromWorldInfo: worldInfo).pair
        // Through JSON text, as a file would travel.
        let reread = CharacterBook(
            object: try #require(JSONParser.parse(JSONWriter.bytes(.object(book.object))).value.objectValue))
        let (back, diagnostics) = WorldInfoConverter.worldInfo(fromBook: reread).pair
        #expect(diagnostics.isEmpty)
        #expect(back == worldInfo)
        #expect(JSONWriter.string(back) == JSONWriter.string(worldInfo))
    }

    @Test func sillyTavernOnlyFieldsSurviveARoundTrip() throws {
        let worldInfo = try parse(
            #"""
            {"entries":{"7":{"uid":7,"key":["dragon"],"keysecondary":["fire"],"comment":"","content":"Dragons breathe fire.",
            "constant":true,"selective":false,"selectiveLogic":3,"addMemo":true,"order":42,"position":4,"disable":true,
            "excludeRecursion":true,"preventRecursion":true,"delayUntilRecursion":2,"probability":35,"useProbability":true,
            "depth":2,"group":"beasts","groupOverride":true,"groupWeight":70,"scanDepth":6,"caseSensitive":true,
            "matchWholeWords":false,"useGroupScoring":true,"automationId":"auto-1","role":2,"vectorized":true,"sticky":3,
            "cooldown":1,"delay":5,"ignoreBudget":true,"outletName":"side","characterFilter":{"isExclude":false,"names":["A"]},
            "displayIndex":9,"extensions":{"custom":1}},
            "x":{"key":"solo","content":"no uid"}},"name":"Bestiary","unknownTop":[1,2]}
            """#)
        let (book, _) = try WorldInfoConverter.book(fromWorldInfo: worldInfo).pair
        let dragon = try #require(book.entries.first)
        #expect(dragon.position == "after_char")
        #expect(dragon.enabled == false)
        #expect(dragon.constant == true)
        #expect(dragon.insertionOrder?.literal == "42")
        #expect(dragon.extensions["position"] == .number(JSONNumber(4)))
        #expect(dragon.extensions["group"] == .string("beasts"))
        #expect(dragon.extensions["probability"] == .number(JSONNumber(35)))
        #expect(dragon.extensions["ignore_budget"] == .bool(true))
        #expect(dragon.extensions["outlet_name"] == .string("side"))
        #expect(dragon.extensions["custom"] == .number(JSONNumber(1)))
        #expect(book.entries[1].id == .string("x"))
        let (back, _) = WorldInfoConverter.worldInfo(fromBook: book).pair
        #expect(JSONWriter.string(back) == JSONWriter.string(worldInfo))
    }

    @Test func editsMadeInTheBookReachTheWorldInfo() throws {
        let worldInfo = try parse(#"{"entries":{"0":{"uid":0,"key":["a"],"content":"A"}}}"#)
        var (book, _) = try WorldInfoConverter.book(fromWorldInfo: worldInfo).pair
        var entries = book.entries
        var extensions = entries[0].extensions
        extensions["depth"] = .number(JSONNumber(9))
        entries[0].object["extensions"] = .object(extensions)
        entries[0].object["content"] = .string("B")
        book.entries = entries
        let (back, _) = WorldInfoConverter.worldInfo(fromBook: book).pair
        #expect(JSONWriter.string(back) == #"{"entries":{"0":{"uid":0,"key":["a"],"content":"B","depth":9}}}"#)
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func convertsABookToWorldInfoWithSillyTavernsDefaultsAndBack() throws {
        let document = try CharXReader.read(
            data: SharedFixtures.cardData("tavernkit_test_character_with_lorebook.charx"))
        let book = try #require(document.card.card.characterBook)
        let (worldInfo, diagnostics) = WorldInfoConverter.worldInfo(fromBook: book).pair
        let entries = try #require(worldInfo["entries"]?.objectValue)
        #expect(Array(entries.keys) == ["0", "1"])
        let first = try #require(entries["0"]?.objectValue)
        #expect(first["uid"] == .number(JSONNumber(0)))
        #expect(first["key"] == .array(["keyword1", "keyword2"]))
        #expect(first["position"] == .number(JSONNumber(1)))
        #expect(first["order"] == .number(JSONNumber(100)))
        #expect(first["disable"] == .bool(false))
        #expect(first["probability"] == .number(JSONNumber(100)))
        #expect(first["useProbability"] == .bool(true))
        #expect(first["depth"] == .number(JSONNumber(4)))
        #expect(first["groupWeight"] == .number(JSONNumber(100)))
        #expect(first["displayIndex"] == .number(JSONNumber(0)))
        #expect(worldInfo["originalData"] == .object(book.object))
        #expect(diagnostics.map(\.code) == [.keptInOriginalData, .keptInOriginalData])
        // Back to a book: what World Info cannot hold comes from originalData.
        let (again, _) = try WorldInfoConverter.book(fromWorldInfo: worldInfo).pair
        #expect(again.description == "A test lorebook")
        #expect(again.tokenBudget?.literal == "2048")
        #expect(again.entries.map(\.useRegex) == [false, false])
        #expect(again.entries.map { $0.object["case_sensitive"] } == [.bool(false), .bool(true)])
        #expect(again.entries.map(\.content) == book.entries.map(\.content))
    }

    @Test func refusesADocumentWithoutEntries() throws {
        #expect(
            throws: CardFormatError.notWorldInfo(
                pointer: JSONPointer(tokens: ["entries"]), reason: "`entries` is missing or not an object")
        ) {
            try WorldInfoConverter.book(fromWorldInfo: try parse(#"{"name":"x"}"#))
        }
    }

    @Test func readsAndWritesStandaloneLorebooks() throws {
        let (book, diagnostics) = try LorebookFile.read(
            json: try parse(
                #"{"spec":"lorebook_v3","data":{"name":"L","entries":[{"keys":["k"],"content":"c","enabled":true,"insertion_order":1,"use_regex":false,"extensions":{}}]}}"#
            )
        ).pair
        #expect(book.name == "L")
        #expect(book.entries.map(\.keys) == [["k"]])
        #expect(diagnostics.map(\.code) == [.missingField])
        #expect(JSONWriter.string(LorebookFile.json(for: book)).hasPrefix(#"{"spec":"lorebook_v3","data":{"name":"L""#))
        #expect(throws: CardFormatError.self) {
            try LorebookFile.read(json: try parse(#"{"spec":"chara_card_v2","data":{}}"#))
        }
    }
}

@Suite struct LegacyShapeTests {
    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func readsTheTextGenerationWebUIExample() throws {
        let result = try LegacyCardReader.readTextGenerationWebUI(SharedFixtures.cardData("ooba_Example.yaml"))
        let card = result.card
        #expect(card.spec == .v2)
        #expect(card.name == "Chiharu Yamada")
        #expect(
            card.description.hasPrefix("Chiharu Yamada's Persona: Chiharu Yamada is a young, computer engineer-nerd"))
        #expect(card.firstMessage.hasPrefix("*Chiharu strides into the room with a smile"))
        #expect(card.firstMessage.hasSuffix("Let's get started!"))
        #expect(card.messageExamples.hasPrefix("{{user}}: So how did you get into computer engineering?\n{{char}}:"))
        #expect(card.extensions.isEmpty)
        #expect(result.diagnostics.filter { $0.code == .mappedField }.count == 4)
        #expect(result.diagnostics.contains { $0.code == .exampleDialogue })
        #expect(!result.hasErrors)
    }

    @Test func keepsOtherYAMLKeysInExtensions() throws {
        let yaml =
            "name: Bot\ncontext: ctx\ngreeting: hi\nyour_name: You\nage: 25\nratio: 0.5\nflags: [a, b]\nempty: ~\n"
        let result = try LegacyCardReader.readTextGenerationWebUI(Array(yaml.utf8))
        let kept = try #require(result.card.extensions["text_generation_webui"]?.objectValue)
        #expect(
            JSONWriter.string(.object(kept))
                == #"{"your_name":"You","age":25,"ratio":0.5,"flags":["a","b"],"empty":null}"#)
        #expect(result.card.firstMessage == "hi")
        #expect(result.diagnostics.contains { $0.code == .keptInExtensions })
    }

    @Test func reportsInvalidYAMLWithItsLine() {
        #expect {
            try LegacyCardReader.readTextGenerationWebUI(Array("name: [unclosed\ncontext: x\n".utf8))
        } throws: { error in
            guard case .invalidYAML(let line, _, _)? = error as? CardFormatError else { return false }
            return line != nil
        }
    }

    @Test func refusesAYAMLAliasBomb() {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for level in 1...8 {
            let name = "l\(level)"
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        yaml += "name: x\ncontext: y\n"
        #expect(throws: CardFormatError.tooComplex(reason: "the YAML expands to more than 200000 nodes")) {
            try LegacyCardReader.readTextGenerationWebUI(Array(yaml.utf8))
        }
    }

    @Test func readsPygmalionJSON() throws {
        let json =
            #"{"char_name":"Pyg","char_persona":"A bot.","char_greeting":"Hello","world_scenario":"A lab","example_dialogue":"<START>\nYou: hi","extra":{"k":1}}"#
        let result = try LegacyCardReader.readPygmalion(Array(json.utf8))
        let card = result.card
        #expect(card.name == "Pyg")
        #expect(card.description == "A bot.")
        #expect(card.firstMessage == "Hello")
        #expect(card.scenario == "A lab")
        #expect(card.messageExamples == "<START>\nYou: hi")
        #expect(card.personality == "")
        #expect(card.extensions["pygmalion"] == .object(["extra": .object(["k": 1])]))
        #expect(CardFormatSniffer.detect(data: Data(json.utf8)) == .pygmalionJSON)
    }

    @Test func reportsAPygmalionFieldThatHasNoPlace() throws {
        let result = try LegacyCardReader.readPygmalion(Array(#"{"char_name":"P","char_greeting":["a","b"]}"#.utf8))
        let lost = try #require(result.diagnostics.first { $0.code == .lostField })
        #expect(lost.pointer == JSONPointer(tokens: ["char_greeting"]))
        #expect(result.card.extensions["pygmalion"] == .object(["char_greeting": .array(["a", "b"])]))
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func readsTheTavernAIFolderJSON() throws {
        let json = try JSONParser.parse(SharedFixtures.cardData("tavernai_folder_Aqua.json")).value
        let result = try LegacyCardReader.readTavernAIFolder(json: json)
        #expect(result.card.spec == .v2)
        #expect(result.card.name == "Aqua")
        #expect(result.card.personality == "high-spirited, likes to party, carefree, cheerful")
        #expect(result.card.scenario == "")
        #expect(result.diagnostics.contains { $0.code == .tavernAIFolder })
        #expect(result.diagnostics.contains { $0.code == .externalAvatar })
        #expect(
            result.diagnostics.contains { $0.code == .wrongType && $0.pointer == JSONPointer(tokens: ["last_mes"]) })
    }
}

@Suite struct SnifferTests {
    static let expectations: [(String, DetectedFormat)] = [
        ("tavernkit_test_character.charx", .charx(zipOffset: 0)),
        ("tavernkit_test_character_with_lorebook.charx", .charx(zipOffset: 0)),
        ("ooba_Example.yaml", .textGenerationWebUIYAML),
        ("st_worldinfo_Eldoria.json", .worldInfo),
        ("tavernai_folder_Aqua.json", .tavernAIFolderJSON),
        ("爱.json", .unknown),
        ("白棠-卡.json", .unknown),
        ("tavernkit_test_character.png", .unknown),
    ]

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason), arguments: expectations)
    func recognisesSharedFilesByContent(name: String, expected: DetectedFormat) throws {
        #expect(CardFormatSniffer.detect(data: try SharedFixtures.cardData(name)) == expected)
    }

    @Test func recognisesLorebooksAndBooks() {
        #expect(
            CardFormatSniffer.detect(data: Data(#"{"spec":"lorebook_v3","data":{"entries":[]}}"#.utf8)) == .lorebookV3)
        #expect(CardFormatSniffer.detect(data: Data(#"{"name":"b","entries":[]}"#.utf8)) == .characterBook)
        #expect(CardFormatSniffer.detect(data: Data("just some text\n".utf8)) == .unknown)
    }
}
