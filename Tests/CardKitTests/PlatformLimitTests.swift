import CardKit
import CardKitTestSupport
import Foundation
import Testing

/// Issue 19: `convert --to P` returns an object that passes P's schema, or refuses the input naming why.
@Suite struct PlatformLimitTests {
    static func card(name: String = "Wren Hollow", tags: [String]) -> Data {
        var card = Card(spec: .v2, name: name)
        card[field: "first_mes"] = "Hello, {{user}}."
        card[field: "description"] = "A cartographer."
        card[field: "tags"] = .array(tags.map { .string($0) })
        return Data(JSONWriter.bytes(card.json))
    }

    static func spicychat(_ tags: [String], extra: [String] = [], canonical: [String] = []) throws -> ConversionResult {
        var options = ConversionOptions()
        options.platform.extraTags = extra
        options.platform.canonicalTags = canonical
        return try CardConverter.convert(
            data: card(tags: tags), path: "wren.json", to: .platform(.spicychat), options: options)
    }

    static func tags(_ result: ConversionResult) throws -> [String] {
        try JSONParser.parse(result.output.bytes).value["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test(arguments: [([String](), "none"), (["fantasy"], "\"fantasy\"")])
    func fewerThanTwoTagsIsRefusedNamingTheTags(tags: [String], named: String) throws {
        let error = try #require(throws: CardFileError.self) { try Self.spicychat(tags) }
        #expect(error.kind == .platformLimit)
        #expect(error.option == .extraTags)
        #expect(error.path == "wren.json")
        #expect(
            error.reason
                == "Spicychat requires at least 2 tags; the card has \(tags.count) (\(named))")
    }

    @Test func twoTagsPass() throws {
        let result = try Self.spicychat(["fantasy", "maps"])
        #expect(try Self.tags(result) == ["fantasy", "maps"])
    }

    @Test func extraTagsMeetTheMinimumAndDuplicatesGo() throws {
        let result = try Self.spicychat(["fantasy"], extra: ["Adventure", "FANTASY"])
        #expect(try Self.tags(result) == ["fantasy", "Adventure"])
        #expect(result.lossReport.entries.contains { $0.kind == .coerced && $0.reason.contains("\"FANTASY\"") })
    }

    @Test func canonicalTagsTakeTheirSpellingAndUnknownOnesAreDropped() throws {
        let result = try Self.spicychat(
            ["anime", "my own tag", "FEMALE"], canonical: ["Anime", "Female", "Fantasy"])
        #expect(try Self.tags(result) == ["Anime", "Female"])
        let reasons = result.lossReport.entries.map(\.reason)
        #expect(
            reasons.contains(
                "tags given Spicychat's canonical spelling: \"anime\" → \"Anime\", \"FEMALE\" → \"Female\""))
        #expect(reasons.contains("not on Spicychat's canonical tag list: \"my own tag\""))
    }

    @Test func theCanonicalListReadsAnArrayOrTheApplicationConfig() throws {
        #expect(
            try PlatformConversionOptions.canonicalTags(fromJSON: Array(#"["Anime","Female"]"#.utf8)) == [
                "Anime", "Female",
            ])
        let config = #"{"typesenseSearchKey":"k","chatbotsTags":{"tags":["Romance","Horror"]}}"#
        #expect(try PlatformConversionOptions.canonicalTags(fromJSON: Array(config.utf8)) == ["Romance", "Horror"])
        #expect(throws: PlatformError.self) { try PlatformConversionOptions.canonicalTags(fromJSON: Array("{}".utf8)) }
    }

    @Test(arguments: [
        ("Seraphina (Forest Guardian)", "Seraphina"),
        ("Professor Archibald Montgomery", "Professor Archibald"),
        ("Captain Mira Vance, Starship Pilot", "Captain Mira Vance"),
        ("Wren", "Wren"),
    ])
    func characterAINamesAreShortenedByTheRule(name: String, expected: String) throws {
        let result = try CardConverter.convert(
            data: Self.card(name: name, tags: []), path: "c.json", to: .platform(.characterai))
        let output = try JSONParser.parse(result.output.bytes).value
        #expect(output["name"]?.stringValue == expected)
        if name != expected {
            #expect(
                result.lossReport.entries.contains { $0.kind == .truncated && $0.reason.contains("\"\(expected)\"") })
        }
    }

    @Test(arguments: ["爱", "Al", "Supercalifragilisticexpialidocious"])
    func characterAINamesThatCannotFitAreRefusedNamingTheName(name: String) throws {
        let error = try #require(throws: CardFileError.self) {
            try CardConverter.convert(
                data: Self.card(name: name, tags: []), path: "c.json", to: .platform(.characterai))
        }
        #expect(error.kind == .platformLimit)
        #expect(error.reason.contains("\"\(name)\""))
    }

    @Test(
        .enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason),
        arguments: SharedFixtures.cardNames(extensions: ["png", "charx", "json", "yaml"]))
    func everySharedCardConvertsToEveryPlatformAndPassesItsSchema(name: String) throws {
        let data = try SharedFixtures.cardData(name)
        guard (try? CardFileLoader.load(data: data, path: name)) != nil else { return }  // World Info is no card
        for platform in Platform.allCases {
            var options = ConversionOptions()
            options.platform.extraTags = ["Fantasy", "Adventure"]
            let converted = Result { () throws(CardFileError) in
                try CardConverter.convert(data: data, path: name, to: .platform(platform), options: options)
            }
            let result: ConversionResult
            switch converted {
            case .success(let converted):
                result = converted
            case .failure(let error):
                // Only a Character.AI name that cannot be shortened recognisably may be refused.
                #expect(
                    platform == .characterai && error.kind == .platformLimit && error.reason.contains("name"),
                    "\(name) → \(platform): \(error)")
                continue
            }
            let schemaName: String? = platform.descriptor.schema(for: .character)
            let schema = try #require(schemaName.flatMap { CardSchemaName(rawValue: $0) })
            let output = try JSONParser.parse(result.output.bytes).value
            let report = try CardValidator.validate(output, schema: .named(schema))
            #expect(report.errors.isEmpty, "\(name) → \(platform): \(report.errors.map { $0.message })")
        }
    }
}
