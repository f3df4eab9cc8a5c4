import CardKitJSON
import CardModel
import Testing

/// What converting a card does to each lorebook entry member, repair by repair.
///
/// The normalizer repairs entries in place and leaves a member that is already in shape untouched (issue 16: it
/// used to rebuild every entry); these cases pin the value, position and diagnostic of every repair, and that an
/// entry in shape comes out exactly as it went in.
@Suite struct EntryNormalizationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// The entry's JSON, as written in the card.
        var entry: String
        /// The converted V3 entry's JSON (written compactly, keys in order).
        var expected: String
        /// The codes of the diagnostics under the entry's pointer, in order.
        var codes: [Diagnostic.Code]
        /// Whether the last of `codes` is V3's `use_regex` note, which reading the V2 card does not make.
        var endsWithUseRegexNote = false
        var testDescription: String { name }
    }

    static let inShape =
        #"{"keys":["a"],"content":"c","extensions":{},"enabled":true,"insertion_order":1,"use_regex":false}"#

    static let cases: [Case] = [
        Case(
            name: "every member in shape",
            entry: Self.inShape,
            expected: Self.inShape,
            codes: []),
        Case(
            name: "nulls where the spec allows them, unknown members kept in place",
            entry:
                #"{"x":[1],"keys":[],"content":"","priority":null,"case_sensitive":null,"constant":null,"extensions":{},"enabled":false,"insertion_order":-2.50,"use_regex":true}"#,
            expected:
                #"{"x":[1],"keys":[],"content":"","priority":null,"case_sensitive":null,"constant":null,"extensions":{},"enabled":false,"insertion_order":-2.50,"use_regex":true}"#,
            codes: []),
        Case(
            name: "wrong types coerced where they can be, in place",
            entry:
                #"{"keys":"a, b","secondary_keys":"c","content":5,"name":true,"comment":null,"enabled":"true","selective":1,"insertion_order":"3","priority":"7","extensions":null,"use_regex":"false"}"#,
            expected:
                #"{"keys":["a","b"],"secondary_keys":["c"],"content":"5","name":"true","comment":"","enabled":true,"selective":true,"insertion_order":3,"priority":7,"extensions":{},"use_regex":false}"#,
            codes: [
                .wrongType, .wrongType, .wrongType, .wrongType, .wrongType, .wrongType, .wrongType, .wrongType,
                .wrongType, .wrongType, .wrongType,
            ]),
        Case(
            name: "values that cannot be repaired are kept and reported",
            entry:
                #"{"keys":{"a":1},"content":[],"enabled":null,"insertion_order":null,"priority":"high","extensions":[],"use_regex":2}"#,
            expected:
                #"{"keys":{"a":1},"content":[],"enabled":null,"insertion_order":null,"priority":"high","extensions":[],"use_regex":2}"#,
            codes: [.invalidType, .invalidType, .invalidType, .invalidType, .invalidType, .invalidType, .invalidType]),
        Case(
            name: "missing members appended in spec order, V3's use_regex last",
            entry: #"{"comment":"only"}"#,
            expected:
                #"{"comment":"only","keys":[],"content":"","extensions":{},"enabled":true,"insertion_order":0,"use_regex":false}"#,
            codes: [.missingField, .missingField, .missingField, .missingField, .missingField, .missingField],
            endsWithUseRegexNote: true),
        Case(
            name: "an entry that is not an object is kept and reported",
            entry: #""oops""#,
            expected: #""oops""#,
            codes: [.invalidType]),
    ]

    static func card(entry: String) -> [UInt8] {
        Array(
            #"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"x","description":"","personality":"","scenario":"","first_mes":"y","mes_example":"","creator_notes":"","system_prompt":"","post_history_instructions":"","alternate_greetings":[],"tags":[],"creator":"","character_version":"","extensions":{},"character_book":{"extensions":{},"entries":[\#(entry)]}}}"#
                .utf8)
    }

    @Test(arguments: cases) func entryConvertedToV3(_ testCase: Case) throws {
        let read = try CardReader.read(Self.card(entry: testCase.entry))
        let conversion = read.card.converted(to: .v3)
        let entries = try #require(conversion.card.json["data"]?["character_book"]?["entries"]?.arrayValue)
        #expect(entries.count == 1)
        #expect(JSONWriter.string(entries[0]) == testCase.expected)
        let entryPointer = "/data/character_book/entries/0"
        let codes = conversion.diagnostics.filter { $0.pointer?.description.hasPrefix(entryPointer) == true }.map(
            \.code)
        #expect(codes == testCase.codes)
        // Reading reports the same repairs (V3's use_regex aside: the card is V2).
        let readCodes = read.diagnostics.filter { $0.pointer?.description.hasPrefix(entryPointer) == true }.map(\.code)
        #expect(readCodes == Array(testCase.codes.dropLast(testCase.endsWithUseRegexNote ? 1 : 0)))
    }

    /// A read only inspects entries (`reportsOnly`) and a conversion repairs them: both must report exactly the
    /// same diagnostics, messages and pointers included, for the card's own spec.
    @Test(arguments: cases) func readReportsWhatConversionToTheSameSpecRepairs(_ testCase: Case) throws {
        let read = try CardReader.read(Self.card(entry: testCase.entry))
        let conversion = read.card.converted(to: .v2)
        #expect(Self.bookDiagnostics(read.diagnostics) == Self.bookDiagnostics(conversion.diagnostics))
        #expect(
            Self.bookDiagnostics(read.diagnostics).count == testCase.codes.count
                - (testCase.endsWithUseRegexNote ? 1 : 0))
    }

    /// The same over a V3 card with several entries needing repairs, beside one in shape, and an entry that is
    /// not an object: the reading V3 card reports `use_regex` too.
    @Test func readOfAV3CardReportsWhatItsConversionRepairs() throws {
        let entries = Self.cases.map(\.entry).joined(separator: ",")
        let card = Array(
            String(decoding: Self.card(entry: entries), as: UTF8.self)
                .replacing(
                    #""spec":"chara_card_v2","spec_version":"2.0""#,
                    with: #""spec":"chara_card_v3","spec_version":"3.0""#
                )
                .replacing(
                    #""extensions":{},"character_book""#,
                    with: #""extensions":{},"group_only_greetings":[],"character_book""#
                )
                .utf8)
        let read = try CardReader.read(card)
        #expect(read.card.spec == .v3)
        let found = Self.bookDiagnostics(read.diagnostics)
        #expect(found == Self.bookDiagnostics(read.card.converted(to: .v3).diagnostics))
        // Every case's diagnostics as a conversion to V3 makes them, the one use_regex note among them.
        #expect(found.count == Self.cases.map(\.codes.count).reduce(0, +))
        #expect(
            found.filter { $0.code == .missingField && $0.pointer?.description.hasSuffix("/use_regex") == true }.count
                == 1)
    }

    /// The diagnostics under the character book, in order.
    static func bookDiagnostics(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.filter { $0.pointer?.description.hasPrefix("/data/character_book") == true }
    }

    @Test func anEntryInShapeIsTheSameValueAfterConversionToV2() throws {
        let entry = #"{"keys":["k"],"content":"c","extensions":{"z":1},"enabled":true,"insertion_order":4,"x":null}"#
        let read = try CardReader.read(Self.card(entry: entry))
        let entries = try #require(read.card.converted(to: .v2).card.json["data"]?["character_book"]?["entries"])
        #expect(JSONWriter.string(entries) == "[\(entry)]")
    }
}
