import CardKitJSON
import CardSchemas
import Foundation
import JSONSchema
import Testing

/// Golden-file tests of the validation outputs.
///
/// Re-record with `RECORD_SNAPSHOTS=1`; a test that records fails.
@Suite struct ValidationOutputGoldenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A fixed batch: a valid card, an invalid card inside a PNG chunk (with a space and CJK in its name), a file
    /// that is not JSON, and a comma and colon in a file name for the GitHub escapes.
    static func records() throws -> [ValidationRecord] {
        let valid = CardValidator.record(
            jsonBytes: Array(SampleCards.validV2.utf8), file: "cards/ada.json", profile: .strict)
        let invalid = CardValidator.record(
            jsonBytes: Array(SampleCards.lenientOnlyV2.utf8), file: "cards/bo 卡.png",
            container: "PNG tEXt 'chara' (chunk 3, byte 120, 900 bytes, after IDAT)", profile: .strict)
        let broken = CardValidator.record(jsonBytes: Array(#"{"name": "#.utf8), file: "cards/broken.json")
        let oddName = CardValidator.record(
            jsonBytes: Array(#"{"name": 5}"#.utf8), file: "cards/a,b:c.json", profile: .lenient)
        return [valid, invalid, broken, oddName]
    }

    static func assertGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        let url = fixtures.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: fixtures, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            Issue.record("recorded \(name); rerun without RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(name) differs from the golden file", sourceLocation: sourceLocation)
    }

    @Test func recordsHaveTheExpectedOutcomes() throws {
        let records = try Self.records()
        #expect(records.map(\.isValid) == [true, false, false, false])
        #expect(records[1].errors.count == 3)
        #expect(records[2].failure?.hasPrefix("not valid JSON") == true)
        #expect(records[3].errors.map(\.instanceLocation.description) == ["/name"])
    }

    @Test func textOutput() throws {
        try Self.assertGolden(
            Self.records().map { ValidationReportRenderer.render($0, style: .text) }.joined(), "validate.txt")
    }

    @Test func jsonLinesOutput() throws {
        let output = try Self.records().map { ValidationReportRenderer.render($0, style: .json) }.joined()
        try Self.assertGolden(output, "validate.jsonl")
        // Every line is a JSON object on its own.
        for line in output.split(separator: "\n") {
            let value = try JSONParser.parse(Array(line.utf8)).value
            #expect(value["file"]?.stringValue != nil)
            #expect(value["valid"]?.boolValue != nil)
        }
    }

    @Test func githubOutput() throws {
        let output = try Self.records().map { ValidationReportRenderer.render($0, style: .github) }.joined()
        try Self.assertGolden(output, "validate.github.txt")
        #expect(output.split(separator: "\n").allSatisfy { $0.hasPrefix("::error file=") })
    }

    @Test func sarifOutput() throws {
        let output = ValidationReportRenderer.sarif(try Self.records(), toolVersion: "0.0.0-test")
        try Self.assertGolden(output, "validate.sarif.json")
        let log = try JSONParser.parse(Array(output.utf8)).value
        #expect(log["version"]?.stringValue == "2.1.0")
        let results = try #require(log["runs"]?[0]?["results"]?.arrayValue)
        #expect(results.count == 5)
        #expect(
            results.first?["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue
                == "cards/bo%20%E5%8D%A1.png")
    }

    @Test func sarifValidatesAgainstItsOwnRules() throws {
        // Every result's ruleIndex points at the rule with its ruleId.
        let log = try JSONParser.parse(Array(ValidationReportRenderer.sarif(try Self.records()).utf8)).value
        let rules = try #require(log["runs"]?[0]?["tool"]?["driver"]?["rules"]?.arrayValue)
        for result in try #require(log["runs"]?[0]?["results"]?.arrayValue) {
            let index = try #require(result["ruleIndex"]?.numberValue?.intValue)
            #expect(rules[index]["id"] == result["ruleId"])
        }
    }
}
