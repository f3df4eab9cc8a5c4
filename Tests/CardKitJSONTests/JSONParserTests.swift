import CardKitJSON
import CardKitTestSupport
import Foundation
import OrderedCollections
import Testing

@Suite struct JSONParserTests {
    @Test(arguments: [
        "1.0", "1e5", "-0", "12345678901234567890", "0.1e-7", "-1.50E+10", "[1.0,1e5,-0]",
        #"{"b":1,"a":2,"c":{"z":[],"y":{}}}"#, #""line\r\nbreak""#, #""😀 and \ud83d\ude00""#,
        #""\ud800""#, #""a\udc00b\ud800""#, #""slash / and \/ escaped""#, #""tab\there \u0001""#,
        "[true,false,null]", #"{"emoji":"🧭","cjk":"爱"}"#,
    ])
    func compactInputRoundTripsByteForByte(_ text: String) throws {
        let parsed = try JSONParser.parse(text)
        let written = JSONWriter.string(parsed.value)
        // Escapes that JSON.stringify would not write (\/, \ud83d\ude00) are normalized; all else is identical.
        let reparsed = try JSONParser.parse(written)
        #expect(reparsed.value == parsed.value)
        if !text.contains(#"\/"#) && !text.contains(#"\ud83d"#) && !text.contains(#"\u0001"#) {
            #expect(written == text)
        }
    }

    @Test func numbersKeepTheirLiteralText() throws {
        let parsed = try JSONParser.parse("[1.0,1e5,-0,12345678901234567890,1.10]")
        let literals = parsed.value.arrayValue?.compactMap { $0.numberValue?.literal }
        #expect(literals == ["1.0", "1e5", "-0", "12345678901234567890", "1.10"])
    }

    @Test func objectKeyOrderIsKept() throws {
        let parsed = try JSONParser.parse(#"{"zeta":1,"alpha":2,"mid":3}"#)
        #expect(Array(parsed.value.objectValue?.keys ?? []) == ["zeta", "alpha", "mid"])
    }

    @Test func escapedSurrogatePairBecomesOneScalar() throws {
        let parsed = try JSONParser.parse(#""\ud83d\ude00""#)
        #expect(parsed.value == .string("😀"))
    }

    @Test func loneSurrogateIsKeptAsWritten() throws {
        let parsed = try JSONParser.parse(#"{"k":"x\ud800y"}"#)
        guard case .rawString(let raw)? = parsed.value["k"] else {
            Issue.record("expected a raw string, got \(String(describing: parsed.value["k"]))")
            return
        }
        #expect(raw.source == #"x\ud800y"#)
        #expect(raw.value == "x\u{FFFD}y")
        #expect(JSONWriter.string(parsed.value) == #"{"k":"x\ud800y"}"#)
    }

    @Test func duplicateKeysAreReportedAndTheLastWinsAtTheFirstPosition() throws {
        let parsed = try JSONParser.parse(#"{"a":1,"b":{"c":1,"c":2},"a":3}"#)
        #expect(JSONWriter.string(parsed.value) == #"{"a":3,"b":{"c":2}}"#)
        #expect(parsed.warnings.map(\.kind) == [.duplicateKey, .duplicateKey])
        #expect(parsed.warnings.map(\.pointer.description) == ["/b/c", "/a"])
    }

    /// Duplicate keys are found alike whichever way the parser looks for them.
    ///
    /// By fingerprint in a small object of plain keys, by a hash index once a key is escaped or not ASCII. Keys Swift holds equal (canonically
    /// equivalent, as U+212A KELVIN SIGN and "K") are one key, as the object's `OrderedDictionary` requires.
    @Test(arguments: [
        (#"[{"a":1},{"b":1,"b":2}]"#, #"[{"a":1},{"b":2}]"#, ["/1/b"], [16]),
        (#"{"ab":1,"\u0061b":2}"#, #"{"ab":2}"#, ["/ab"], [8]),
        (#"{"é":1,"x":0,"é":2}"#, #"{"é":2,"x":0}"#, ["/é"], [14]),
        (#"{"a":1,"é":2,"a":3}"#, #"{"a":3,"é":2}"#, ["/a"], [14]),
        (#"{"K":1,"\u212a":2}"#, #"{"K":2}"#, ["/\u{212A}"], [7]),
        (#"{"e\u0301":1,"é":2}"#, "{\"e\u{301}\":2}", ["/é"], [13]),
        (#"{"a":{"x":1},"a":[{"y":1,"y":2}]}"#, #"{"a":[{"y":2}]}"#, ["/a/0/y", "/a"], [25, 13]),
    ])
    func duplicateKeysAreFoundInEveryShapeOfObject(
        _ text: String, _ expected: String, _ pointers: [String], _ offsets: [Int]
    ) throws {
        let parsed = try JSONParser.parse(text)
        #expect(JSONWriter.string(parsed.value) == expected)
        #expect(parsed.warnings.map(\.kind) == Array(repeating: .duplicateKey, count: pointers.count))
        #expect(
            parsed.warnings.map(\.pointer.tokens)
                == pointers.map { Array($0.dropFirst().split(separator: "/").map(String.init)) })
        #expect(parsed.warnings.map(\.offset) == offsets)
    }

    /// An object past the size where fingerprints are compared one by one finds its duplicates through the index,
    /// each at its first position, with the offset of the later key.
    @Test(arguments: [15, 16, 17, 40])
    func duplicateKeysOfALargeObjectKeepTheirFirstPosition(_ count: Int) throws {
        let members = (0..<count).map { "\"k\($0)\":\($0)" }
        let text = "{" + (members + [#""k3":"x""#, "\"k\(count - 1)\":\"y\""]).joined(separator: ",") + "}"
        let parsed = try JSONParser.parse(text)
        let object = try #require(parsed.value.objectValue)
        #expect(Array(object.keys) == (0..<count).map { "k\($0)" })
        #expect(object["k3"] == "x")
        #expect(object["k\(count - 1)"] == "y")
        #expect(object["k0"] == 0)
        #expect(parsed.warnings.map(\.pointer.tokens) == [["k3"], ["k\(count - 1)"]])
        let laterK3 = try #require(text.utf8.indices.last { text.utf8[$0...].starts(with: #""k3""#.utf8) })
        #expect(parsed.warnings.first?.offset == text.utf8.distance(from: text.utf8.startIndex, to: laterK3))
    }

    /// Short keys come from a cache of the keys already met: every key of many objects, repeated in several
    /// orders and sharing cache slots, is still its own text, at its own place.
    @Test func manyShortKeysKeepTheirOwnText() throws {
        let names = (0..<600).map { index in String(repeating: "k", count: index % 17) + "\(index)" }
        var objects: [String] = []
        for round in 0..<5 {
            let order = round % 2 == 0 ? names : names.reversed()
            objects.append("{" + order.map { "\"\($0)\":\"\($0)\"" }.joined(separator: ",") + "}")
        }
        let parsed = try JSONParser.parse("[" + objects.joined(separator: ",") + "]")
        let array = try #require(parsed.value.arrayValue)
        #expect(array.count == 5)
        for (round, element) in array.enumerated() {
            let object = try #require(element.objectValue)
            #expect(Array(object.keys) == (round % 2 == 0 ? names : names.reversed()))
            #expect(object.allSatisfy { $0.value == .string($0.key) })
        }
        #expect(parsed.warnings.isEmpty)
    }

    @Test func byteOrderMarkIsStrippedWithAWarning() throws {
        let parsed = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8))
        #expect(parsed.value == ["a": 1])
        #expect(parsed.warnings.map(\.kind) == [.byteOrderMark])
    }

    @Test(arguments: [
        (#"{"a":"#, JSONParseError.Kind.unexpectedEnd),
        (#"{"a":1,}"#, .unexpectedCharacter),
        ("[01]", .invalidNumber),
        ("[1.]", .invalidNumber),
        ("[1.e5]", .invalidNumber),
        (#""bad \x escape""#, .invalidEscape),
        ("NaN", .unexpectedCharacter),
        ("[Infinity]", .unexpectedCharacter),
        ("{} {}", .trailingContent),
        ("", .empty),
        ("\"raw\ncontrol\"", .controlCharacter),
    ])
    func malformedInputFailsWithTheRightKind(_ text: String, _ kind: JSONParseError.Kind) {
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            (error as? JSONParseError)?.kind == kind
        }
    }

    @Test func invalidUTF8IsRejectedWithItsOffset() {
        let bytes = Array(#"{"a":"ok"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        do {
            _ = try JSONParser.parse(bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .invalidUTF8)
            #expect(error.offset == 8)
        }
    }

    /// Bytes that are not UTF-8 are refused wherever they are.
    ///
    /// In a plain or an escaped string, in a key, past the first words of a long string. A truncated four-byte sequence is repaired into a U+FFFD of the same length, so
    /// the check cannot rest on the length alone.
    static let invalidUTF8Cases: [(bytes: [UInt8], offset: Int)] = [
        (Array(#"{"a":"ok"#.utf8) + [0xF0, 0x9F, 0x98] + Array(#"x"}"#.utf8), 8),
        (Array(#"{"a":"\n"#.utf8) + [0xF0, 0x9F, 0x98] + Array(#"x"}"#.utf8), 8),
        (Array(#"{"ok"#.utf8) + [0xF0, 0x9F, 0x98] + Array(#"":1}"#.utf8), 4),
        (Array(#"{"a":""#.utf8) + [UInt8](repeating: 0x7A, count: 40) + [0xC3] + Array(#""}"#.utf8), 46),
        (Array(#"{"a":"é\t"#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8), 10),
    ]

    @Test(arguments: invalidUTF8Cases)
    func invalidUTF8IsRejectedInEveryKindOfString(_ bytes: [UInt8], _ offset: Int) {
        #expect {
            try JSONParser.parse(bytes)
        } throws: { error in
            (error as? JSONParseError)?.kind == .invalidUTF8 && (error as? JSONParseError)?.offset == offset
        }
    }

    @Test func truncatedDocumentNamesLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": [1,\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unexpectedEnd)
            #expect(error.line == 3)
            #expect(error.description.hasPrefix("line 3, column 1 (byte 13)"))
        }
    }

    @Test func hundredThousandDeepNestingFailsCleanly() {
        let deep =
            [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
            + [UInt8](repeating: UInt8(ascii: "]"), count: 100_000)
        do {
            _ = try JSONParser.parse(deep)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .depthLimitExceeded)
            #expect(error.offset == 512)
        }
    }

    @Test func depthLimitIsConfigurable() throws {
        var options = JSONParseOptions()
        options.maxDepth = 2_000
        let deep = String(repeating: "[", count: 1_500) + String(repeating: "]", count: 1_500)
        let parsed = try JSONParser.parse(deep, options: options)
        #expect(JSONWriter.string(parsed.value) == deep)
    }

    @Test func overlongStringFailsWithoutBuildingIt() {
        var options = JSONParseOptions()
        options.maxStringBytes = 1_000
        let text = "\"" + String(repeating: "x", count: 5_000) + "\""
        #expect {
            try JSONParser.parse(text, options: options)
        } throws: { error in
            (error as? JSONParseError)?.kind == .stringTooLong
        }
    }

    @Test func inputSizeLimitIsEnforced() {
        var options = JSONParseOptions()
        options.maxInputBytes = 10
        #expect {
            try JSONParser.parse(#"{"name":"too long"}"#, options: options)
        } throws: { error in
            (error as? JSONParseError)?.kind == .inputTooLarge
        }
    }
}

@Suite struct JSONWriterTests {
    @Test func prettyOutputMatchesJavaScriptLayout() throws {
        let value = try JSONParser.parse(#"{"a":[1,{"b":[]}],"c":{},"d":"x"}"#).value
        let expected = """
            {
              "a": [
                1,
                {
                  "b": []
                }
              ],
              "c": {},
              "d": "x"
            }
            """
        #expect(JSONWriter.string(value, style: .pretty) == expected)
    }

    @Test func sortedKeysAreDeterministic() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":{"d":1,"c":2}}"#).value
        #expect(JSONWriter.string(value, sortKeys: true) == #"{"a":{"c":2,"d":1},"b":1}"#)
    }

    @Test func controlCharactersAreEscapedLikeJSONStringify() {
        #expect(JSONWriter.string(.string("a\u{1}\u{8}\u{C}\t\n\r\"\\/é")) == #""a\u0001\b\f\t\n\r\"\\/é""#)
    }

    /// The parser checks eight string bytes at a time: every byte value at every position of a string, with and
    /// without an escape before it, reads as one byte at a time would: the text, or the error at that byte.
    @Test(arguments: 0..<0x100)
    func everyByteInAStringReadsAsByteAtATime(_ value: Int) throws {
        guard value != 0x22, value != 0x5C else { return }  // they end the string or start an escape
        for escaped in [false, true] {
            let prefix: [UInt8] = escaped ? Array(#"\n"#.utf8) : []
            for length in [1, 15, 16, 17, 31, 32, 33, 40, 48, 49, 80, 81, 97] {
                for position in 0..<length {
                    var content = Array(repeating: UInt8(ascii: "a"), count: length)
                    content[position] = UInt8(value)
                    let place = "escaped \(escaped), length \(length) at \(position)"
                    do {
                        let parsed = try JSONParser.parse([0x22] + prefix + content + [0x22]).value
                        #expect((0x20..<0x80).contains(value), "\(place)")
                        let text = (escaped ? "\n" : "") + String(decoding: content, as: UTF8.self)
                        #expect(parsed == .string(text), "\(place)")
                    } catch {
                        #expect(error.kind == (value < 0x20 ? .controlCharacter : .invalidUTF8), "\(place)")
                        #expect(error.offset == 1 + prefix.count + position, "\(place)")
                    }
                    let text =
                        String(repeating: "a", count: position) + "é\u{1F600}" + String(repeating: "b", count: length)
                    let document = "\"" + (escaped ? #"\n"# : "") + text + "\""
                    let parsed = try JSONParser.parse(document).value
                    #expect(parsed == .string((escaped ? "\n" : "") + text), "\(place)")
                }
            }
        }
    }

    /// The writer checks eight bytes at a time for one to escape; this compares it with a byte-at-a-time
    /// escaper for every ASCII value at every position of two blocks and the tail after them.
    @Test(arguments: 0..<0x80)
    func everyByteIsEscapedAsByteAtATimeAtEveryPosition(_ value: Int) {
        for length in [1, 15, 16, 17, 31, 32, 33, 40, 48, 49, 80, 81, 97] {
            for position in 0..<length {
                var scalars = Array(repeating: Unicode.Scalar(UInt8(ascii: "a")), count: length)
                scalars[position] = Unicode.Scalar(UInt8(value))
                let text = String(String.UnicodeScalarView(scalars))
                #expect(
                    JSONWriter.bytes(.string(text)) == Self.escapedByteAtATime(text), "length \(length) at \(position)")
            }
        }
        let byte = String(Character(Unicode.Scalar(UInt8(value))))
        let mixed = "é—\u{1F600}" + String(repeating: "xé" + byte, count: 20) + "\u{7F}"
        #expect(JSONWriter.bytes(.string(mixed)) == Self.escapedByteAtATime(mixed))
    }

    /// `JSON.stringify`'s escaping, one byte at a time.
    static func escapedByteAtATime(_ text: String) -> [UInt8] {
        var output: [UInt8] = [0x22]
        for byte in text.utf8 {
            switch byte {
            case 0x22: output += Array(#"\""#.utf8)
            case 0x5C: output += Array(#"\\"#.utf8)
            case 0x0A: output += Array(#"\n"#.utf8)
            case 0x0D: output += Array(#"\r"#.utf8)
            case 0x09: output += Array(#"\t"#.utf8)
            case 0x08: output += Array(#"\b"#.utf8)
            case 0x0C: output += Array(#"\f"#.utf8)
            case 0..<0x20: output += Array(String(format: "\\u%04x", Int(byte)).utf8)
            default: output.append(byte)
            }
        }
        output.append(0x22)
        return output
    }
}

@Suite struct JSONPointerTests {
    @Test func escapesRoundTrip() {
        let pointer = JSONPointer(tokens: ["a/b", "m~n", "0"])
        #expect(pointer.description == "/a~1b/m~0n/0")
        #expect(JSONPointer(parsing: "/a~1b/m~0n/0") == pointer)
    }

    @Test(arguments: [
        ([], ""), ([""], "/"), (["~1"], "/~01"), (["a", "é/", "~/~"], "/a/é~1/~0~1~0"),
        (["data", "character_book", "entries", "12", "keys"], "/data/character_book/entries/12/keys"),
    ])
    func descriptionEscapesOnlyTheTokensThatNeedIt(_ tokens: [String], _ text: String) {
        #expect(JSONPointer(tokens: tokens).description == text)
        #expect(JSONPointer(parsing: text)?.tokens == tokens)
    }

    @Test func resolvesIntoObjectsAndArrays() throws {
        let value = try JSONParser.parse(#"{"data":{"tags":["x","y"]}}"#).value
        #expect(JSONPointer(parsing: "/data/tags/1")?.resolve(in: value) == .string("y"))
        #expect(JSONPointer(parsing: "/data/tags/01")?.resolve(in: value) == nil)
    }
}

@Suite struct JSONNumberComparisonTests {
    @Test(arguments: [
        ("1.0", "1", true), ("1e2", "100", true), ("-0", "0", true), ("0.1", "0.10", true), ("1", "2", false),
    ])
    func equalityIsByValue(_ a: String, _ b: String, _ equal: Bool) {
        #expect(JSONNumberComparison.equal(JSONNumber(uncheckedLiteral: a), JSONNumber(uncheckedLiteral: b)) == equal)
    }

    @Test func hugeIntegersCompareExactly() {
        let a = JSONNumber(uncheckedLiteral: "12345678901234567890")
        let b = JSONNumber(uncheckedLiteral: "12345678901234567891")
        #expect(JSONNumberComparison.compare(a, b) < 0)
        #expect(!JSONNumberComparison.equal(a, b))
    }
}

@Suite(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct JSONRealCardRoundTripTests {
    @Test(arguments: SharedFixtures.cardNames(extensions: ["json"]))
    func realJSONRoundTripsToAnEqualValue(_ name: String) throws {
        let data = try SharedFixtures.cardData(name)
        let parsed = try JSONParser.parse(data)
        let rewritten = try JSONParser.parse(JSONWriter.bytes(parsed.value, style: .pretty))
        #expect(rewritten.value == parsed.value)
    }
}
