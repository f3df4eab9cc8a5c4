import CardKitJSON
import Testing

@testable import JSONSchema

/// The byte-wise look-ups of `properties` and `required` give exactly the answers of `String` comparison.
@Suite struct PropertyLookupTests {
    /// ASCII names of every length class the table handles differently: empty, under one word, one word, under two
    /// words, exactly two words, and longer (compared past the sixteenth byte).
    static let asciiNames = [
        "", "a", "id", "name", "keys", "content", "enabled", "insertion_order", "secondary_keys",
        "case_sensitive", "0123456789abcdef", "0123456789abcdeg", "character_version", "post_history_instructions",
        "alternate_greetings", "group_only_greetings", "0123456789abcdef0123456789abcdef",
    ]

    /// Keys near each name: itself, each byte changed, one byte shorter and one longer, and keys Swift holds equal
    /// to an ASCII name only by canonical equivalence.
    static func keys(near names: [String]) -> [String] {
        var keys = names
        for name in names {
            let bytes = Array(name.utf8)
            for position in bytes.indices {
                var changed = bytes
                changed[position] ^= 0x01
                keys.append(String(decoding: changed, as: UTF8.self))
            }
            keys.append(String(name.dropLast()))
            keys.append(name + "x")
            keys.append(name + "\u{301}")
        }
        keys += ["\u{212A}", "\u{212A}eys", "0123456789abcdef0123456789abcde\u{212A}", "é", "e\u{301}", "\u{FFFD}"]
        return keys
    }

    @Test(arguments: [asciiNames, asciiNames + ["K", "e"], (0..<100).map { "p\($0)" }, ["é", "name", "K"]])
    func tableAnswersAsADictionaryDoes(names: [String]) {
        let table = PropertyNameTable(names.enumerated().map { ($1, $0) })
        let dictionary = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { $1 })
        #expect(table.count == dictionary.count)
        for key in Self.keys(near: names) + Self.keys(near: Self.asciiNames) {
            #expect(table.value(for: key) == dictionary[key], "key \(Array(key.utf8))")
        }
    }

    @Test func kelvinSignFindsTheLetterK() {
        // U+212A is canonically equivalent to "K": Swift's `==` says equal, so the look-up must too.
        let table = PropertyNameTable([("K", 7), ("keys", 8)])
        #expect(table.value(for: "\u{212A}") == 7)
        #expect(table.value(for: "K") == 7)
        #expect(table.value(for: "k") == nil)
    }

    @Test func aNonASCIINameIsFoundByItsEquivalentSpelling() {
        let table = PropertyNameTable([("\u{E9}", 1)])
        #expect(table.value(for: "e\u{301}") == 1)
        #expect(table.value(for: "e") == nil)
    }

    /// Objects of up to 16 members are answered by a pass over their keys, larger ones by a look-up per name.
    @Test(arguments: [1, 5, 15, 16, 17, 40])
    func requiredAgreesWithALookUpPerName(members: Int) {
        let keys = (0..<members).map { "k\($0)" }
        var object = JSONObject()
        for key in keys { object[key] = .null }
        let candidates: [[String]] = [
            [], ["k0"], ["k0", "k0"], Array(keys.prefix(3)), keys, keys + ["missing"], ["missing"],
            (0..<64).map { "k\($0)" }, (0..<65).map { "k\($0)" }, ["\u{212A}0"],
        ]
        for names in candidates {
            let required = RequiredNames(names)
            #expect(required.allPresent(in: object) == names.allSatisfy { object[$0] != nil }, "\(names)")
        }
    }

    @Test func requiredKeepsItsViolationsInSchemaOrder() throws {
        let schema = try JSONSchemaCompiler().compile(["required": ["b", "a", "b", "c"]])
        let result = schema.validate(["c": 1], format: .basic)
        #expect(!result.isValid)
        #expect(
            result.errors.map(\.message) == [
                "required property 'b' is missing", "required property 'a' is missing",
                "required property 'b' is missing",
            ])
    }

    @Test func propertiesFindsAMemberSpelledWithTheKelvinSign() throws {
        let schema = try JSONSchemaCompiler().compile(["properties": ["K": ["type": "string"]]])
        #expect(!schema.isValid(["\u{212A}": 5]))
        #expect(schema.isValid(["\u{212A}": "five"]))
        #expect(schema.isValid(["k": 5]))
    }

    /// JSON Schema compares strings by scalars, so canonically equivalent spellings are different constants.
    @Test(arguments: [
        ("\u{E9}", "e\u{301}", false), ("before_char", "before_char", true), ("before_char", "before_chaR", false),
        ("after_char", "before_char", false), ("", "", true),
        (String(repeating: "é", count: 40), String(repeating: "é", count: 40), true),
    ])
    func constantsCompareByScalars(constant: String, instance: String, equal: Bool) throws {
        let schema = try JSONSchemaCompiler().compile(["const": .string(constant)])
        #expect(schema.isValid(.string(instance)) == equal)
        let enumeration = try JSONSchemaCompiler().compile(["enum": ["x", .string(constant)]])
        #expect(enumeration.isValid(.string(instance)) == equal)
    }
}
