import CardKitJSON
import CardKitTestSupport
import Testing

/// Issue 18: documents that exhaust memory or time are refused by a value budget, and a million duplicate keys
/// cost one line per key only for the first hundred.
@Suite struct JSONBudgetTests {
    /// `[[0],[0],…]` is refused at the value past ``JSONParseOptions/maxValues`` (the issue's 60 MB reached 1–3 GB).
    @Test func nestedArraysPastTheValueBudgetAreRefusedAtThatValue() {
        // 1,000,000 inner arrays: 2,000,001 values; the last is the `0` of the last inner array.
        let bytes = ResourceBombs.nestedArrays(count: 1_000_000)
        #expect {
            try JSONParser.parse(bytes)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.kind == .tooManyValues && error.offset == 3_999_998 && error.line == 1
                && error.message == "more than 2000000 values in the document"
        }
    }

    @Test func theValueBudgetCountsEveryValueOnce() throws {
        var options = JSONParseOptions()
        options.maxValues = 4
        #expect(try JSONParser.parse(#"{"a":[1,2]}"#, options: options).value.objectValue?.count == 1)
        #expect {
            try JSONParser.parse(#"{"a":[1,2,3]}"#, options: options)
        } throws: { error in
            (error as? JSONParseError)?.kind == .tooManyValues && (error as? JSONParseError)?.offset == 10
        }
    }

    /// A million duplicate keys (11.7 s and 717 MB in the issue) give 100 warnings and one that counts the rest.
    @Test func aMillionDuplicateKeysGiveAHundredWarningsAndACount() throws {
        let parsed = try JSONParser.parse(ResourceBombs.duplicateKeys(count: 1_000_000))
        #expect(parsed.value.objectValue?.count == 3)
        #expect(parsed.warnings.count == 101)
        #expect(parsed.warnings.prefix(100).allSatisfy { $0.kind == .duplicateKey && $0.pointer.tokens == ["a"] })
        #expect(parsed.warnings[0].offset == 34)
        let last = try #require(parsed.warnings.last)
        #expect(last.kind == .moreDuplicateKeys)
        #expect(last.count == 999_899)
        #expect(last.offset == 634)
        #expect(
            last.description
                == "999899 more duplicate keys, the first at /a (byte 634), not listed: the later value wins for each")
    }
}
