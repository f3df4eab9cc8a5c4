import CardKitJSON
import CardKitTestSupport
import CardModel
import Foundation
import Testing

@testable import CardPNG

/// The `chara`/`ccv3` agreement check: the scan that compares `data` members by their bytes must reach the same
/// verdict as parsing both documents, and fall back to parsing where it cannot follow a document.
@Suite struct PNGAgreementCheckTests {
    static let book =
        #"{"name":"Atlas","entries":[{"keys":["map","\"chart\""],"content":"Brackets in text: ] } [ {","id":1,"#
        + #""extensions":{}},{"keys":[],"content":"a \\ backslash","id":2,"extensions":{"depth":4}}],"extensions":{}}"#

    static func v2(_ data: String) -> [UInt8] {
        Array(#"{"spec":"chara_card_v2","spec_version":"2.0","data":{\#(data)}}"#.utf8)
    }
    static func v3(_ data: String) -> [UInt8] {
        Array(#"{"spec":"chara_card_v3","spec_version":"3.0","data":{\#(data)}}"#.utf8)
    }

    struct Pair: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var chara: [UInt8]
        var ccv3: [UInt8]
        var differing: [String]
        var scanned: Bool
    }

    static let pairs: [Pair] = [
        Pair(
            testDescription: "CardKit backfill: only extensions differ",
            chara: v2(
                #""name":"Ismay","tags":["a"],"character_book":\#(book),"extensions":{"cardkit_v3":{"nickname":"Iz"}}"#),
            ccv3: v3(#""name":"Ismay","nickname":"Iz","tags":["a"],"character_book":\#(book),"extensions":{}"#),
            differing: [], scanned: true),
        Pair(
            testDescription: "one lorebook entry edited",
            chara: v2(#""name":"Ismay","character_book":\#(book)"#),
            ccv3: v3(#""name":"Ismay","character_book":\#(book.replacingOccurrences(of: "id\":2", with: "id\":3"))"#),
            differing: ["data.character_book"], scanned: true),
        Pair(
            testDescription: "same values written differently (layout, number form, key order)",
            chara: v2(#""name" : "Ismay", "depth": 1.0, "obj": {"b": 2, "a": 1}, "talk": 5e-1"#),
            ccv3: v3(#""name":"Ismay","depth":1,"obj":{"a":1,"b":2},"talk":0.5"#),
            differing: [], scanned: true),
        Pair(
            testDescription: "fields differ in ccv3's key order, with a duplicate key taking its last value",
            chara: v2(#""scenario":"x","name":"Old","name":"New","description":"d""#),
            ccv3: v3(#""description":"D","name":"New","scenario":"y""#),
            differing: ["data.description", "data.scenario"], scanned: true),
        Pair(
            testDescription: "an escaped key falls back to parsing",
            chara: v2(#""na\u006de":"A""#),
            ccv3: v3(#""name":"B""#),
            differing: ["data.name"], scanned: false),
        Pair(
            testDescription: "a V1 chara falls back to parsing",
            chara: Array(#"{"name":"A","description":"same"}"#.utf8),
            ccv3: v3(#""name":"B","description":"same""#),
            differing: ["data.name"], scanned: false),
    ]

    @Test(arguments: pairs)
    func scanAgreesWithParsing(_ pair: Pair) {
        let scanned = PNGCardReader.dataDisagreementBySpans(chara: pair.chara, ccv3: pair.ccv3)
        #expect((scanned != nil) == pair.scanned)
        if let scanned { #expect(scanned == pair.differing) }
        #expect(PNGCardReader.disagreementByParsing(chara: pair.chara, ccv3: pair.ccv3) == pair.differing)
        #expect(PNGCardReader.disagreement(chara: pair.chara, ccv3: pair.ccv3) == pair.differing)
    }

    @Test func differingPairIsReportedByTheReaderWithTheScannedField() throws {
        let pair = Self.pairs[1]
        let png = PNGFixture.png(after: [
            PNGFixture.tEXt("chara", PNGFixture.base64(String(decoding: pair.chara, as: UTF8.self))),
            PNGFixture.tEXt("ccv3", PNGFixture.base64(String(decoding: pair.ccv3, as: UTF8.self))),
        ])
        let result = try PNGCardReader.read(png)
        let warning = try #require(result.diagnostics.first { $0.code == .pngCharaCCV3Disagree })
        #expect(warning.message.contains("disagree on data.character_book; 'ccv3' is used"))
    }

    @Test(arguments: [
        (#" {"a" : [1, {"b": "]"}], "c":"\"}" , "d": true}"#, ["a", "c", "d"]),
        ("\u{FEFF}{}", []),
        (#"{"x":-1.5e3,"y":null}"#, ["x", "y"]),
    ])
    func memberSpansFindEveryMember(document: String, keys: [String]) throws {
        let bytes = Array(document.utf8)
        let spans = try #require(JSONMemberSpans(bytes))
        #expect(spans.members.map { String(decoding: $0.key, as: UTF8.self) } == keys)
        for member in spans.members {
            #expect((try? JSONParser.parse(bytes[member.value])) != nil, "value of \(member.key) parses alone")
        }
    }

    /// The string scan skips eight bytes at a time: an escaped quote or backslash at any position of a long
    /// string, in a key's value or nested in an array, still ends the string in the right place.
    @Test(arguments: [#"\""#, #"\\"#, #"\\\""#, #"\\\\"#, #"\\\\\""#, #"\u005C"#, #"\n\"\t"#, #"\r\n\\\r\n"#])
    func memberSpansFindStringEndsAtEveryPosition(escape: String) throws {
        for length in [0, 1, 14, 15, 16, 17, 31, 32, 47] {
            for position in 0...length {
                let text =
                    String(repeating: "x", count: position) + escape + String(repeating: "y", count: length - position)
                let document = #"{"a":""# + text + #"","b":[""# + text + #"",{"c":""# + text + #""}],"d":1}"#
                let bytes = Array(document.utf8)
                let spans = try #require(JSONMemberSpans(bytes), "\(length) at \(position)")
                #expect(spans.members.map { String(decoding: $0.key, as: UTF8.self) } == ["a", "b", "d"])
                let parsed = try JSONParser.parse(bytes).value
                for member in spans.members {
                    let key = String(decoding: member.key, as: UTF8.self)
                    #expect(
                        try JSONParser.parse(bytes[member.value]).value == parsed[key],
                        "\(key), \(length) at \(position)")
                }
            }
        }
    }

    @Test(arguments: [#"{"a":1"#, #"{"a" 1}"#, #"{"a":[1}"#, #"["a"]"#, #"{"a":1} x"#, #"{"a":"1}"#, "", #"{"a":}"#])
    func memberSpansRefuseWhatTheyCannotFollow(document: String) {
        #expect(JSONMemberSpans(Array(document.utf8)) == nil)
    }

    /// Every real PNG that carries both chunks gives the same verdict by scan and by parse.
    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func realPairsGiveTheSameVerdictBothWays() throws {
        var pairs = 0
        for name in SharedFixtures.cardNames(extensions: ["png"]) {
            guard let scan = try? PNGCardReader.scan(SharedFixtures.cardData(name)),
                let chara = scan.cardChunks.first(where: { $0.role == .chara && $0.problem == nil }),
                let ccv3 = scan.cardChunks.first(where: { $0.role == .ccv3 && $0.problem == nil })
            else { continue }
            pairs += 1
            let parsed = PNGCardReader.disagreementByParsing(chara: chara.json, ccv3: ccv3.json)
            let scanned = try #require(
                PNGCardReader.dataDisagreementBySpans(chara: chara.json, ccv3: ccv3.json), "\(name)")
            #expect(scanned == parsed, "\(name)")
        }
        #expect(pairs >= 2)
    }
}
