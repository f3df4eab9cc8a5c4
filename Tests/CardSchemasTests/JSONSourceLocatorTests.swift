import CardKitJSON
import CardSchemas
import Testing

@Suite struct JSONSourceLocatorTests {
    static let text = """
        {
          "a": [1, {"b": "x"}],
          "c\\u0041": {"d": null},
          "爱": "v", "e": true
        }
        """

    @Test func findsTheStartOfEachValue() {
        let pointers: Set<JSONPointer> = ["", "/a", "/a/0", "/a/1", "/a/1/b", "/cA", "/cA/d", "/爱", "/e", "/zz"]
        let found = JSONSourceLocator.positions(in: Array(Self.text.utf8), of: pointers)
        #expect(found[""] == SourcePosition(line: 1, column: 1))
        #expect(found["/a"] == SourcePosition(line: 2, column: 8))
        #expect(found["/a/0"] == SourcePosition(line: 2, column: 9))
        #expect(found["/a/1"] == SourcePosition(line: 2, column: 12))
        #expect(found["/a/1/b"] == SourcePosition(line: 2, column: 18))
        #expect(found["/cA"] == SourcePosition(line: 3, column: 14))
        #expect(found["/cA/d"] == SourcePosition(line: 3, column: 20))
        #expect(found["/爱"] == SourcePosition(line: 4, column: 8))
        #expect(found["/e"] == SourcePosition(line: 4, column: 18))
        #expect(found["/zz"] == nil)
        #expect(found.count == 9)
    }

    @Test func duplicateKeysResolveToTheLastOccurrence() {
        let found = JSONSourceLocator.positions(in: Array(#"{"k": 1, "k": 2}"#.utf8), of: ["/k"])
        #expect(found["/k"] == SourcePosition(line: 1, column: 15))
    }

    @Test func deepNestingAndTruncationEndQuietly() {
        let deep = String(repeating: "[", count: 100_000) + "1" + String(repeating: "]", count: 100_000)
        let pointer = JSONPointer(tokens: Array(repeating: "0", count: 100_000))
        let found = JSONSourceLocator.positions(in: Array(deep.utf8), of: [pointer])
        #expect(found[pointer] == SourcePosition(line: 1, column: 100_001))
        #expect(JSONSourceLocator.positions(in: Array(#"{"a": [1, "#.utf8), of: ["/a/2"]).isEmpty)
    }

    @Test func recordsOfJSONFilesCarryLines() {
        let text = "{\n  \"name\": 5\n}\n"
        let record = CardValidator.record(jsonBytes: Array(text.utf8), file: "x.json", profile: .strict)
        #expect(record.positions["/name"] == SourcePosition(line: 2, column: 11))
        #expect(ValidationReportRenderer.text(record).contains("x.json:2:11: error: /name: "))
        #expect(ValidationReportRenderer.github(record).hasPrefix("::error file=x.json,line=2,col=11,title="))
        let inChunk = CardValidator.record(
            jsonBytes: Array(text.utf8), file: "x.png", container: "PNG", profile: .strict)
        #expect(inChunk.positions.isEmpty)
    }
}
