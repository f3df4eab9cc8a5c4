import CardKitJSON
import Foundation
import Testing

/// The schema work bombs of issue 18 through `cardkit schema check`, under the memory and time limits: each once
/// ran for 30 s or more, the `$ref` ones until they passed 4 GiB.
@Suite struct SchemaWorkBombTests {
    /// 22 nested `applicator` levels of two `$ref`s each (about 1.6 KB).
    static func referenceBomb(_ applicator: String) -> JSONValue {
        var definitions = JSONObject()
        for level in 0..<22 {
            let next: JSONValue = ["$ref": .string("#/$defs/d\(level + 1)")]
            definitions["d\(level)"] = .object([applicator: [next, next]])
        }
        definitions["d22"] = ["type": "integer"]
        return ["$defs": .object(definitions), "$ref": "#/$defs/d0"]
    }

    /// Writes the schema and the instance to a scratch folder and runs `cardkit schema check` on them.
    private func check(_ schema: JSONValue, _ instance: JSONValue) throws -> BoundedRun {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cardkit-bomb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Data(JSONWriter.bytes(schema)).write(to: scratch.appendingPathComponent("schema.json"))
        try Data(JSONWriter.bytes(instance)).write(to: scratch.appendingPathComponent("instance.json"))
        let run = try BoundedCLI.run(["schema", "check", "--schema", "schema.json", "instance.json"], in: scratch)
        #expect(!run.signaled && !run.timedOut, "cardkit crashed or hung: \(run.stderr.prefix(300))")
        return run
    }

    @Test(arguments: ["anyOf", "allOf"])
    func referenceBombValidatesAValidInstance(_ applicator: String) throws {
        let run = try check(Self.referenceBomb(applicator), 7)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    }

    @Test(arguments: ["anyOf", "allOf"])
    func referenceBombRefusesAnInvalidInstanceWithCappedErrors(_ applicator: String) throws {
        let run = try check(Self.referenceBomb(applicator), "x")
        #expect(run.status == 1)
        let lines = (run.stdout + run.stderr).split(separator: "\n")
        #expect(lines.first == "instance.json: invalid (schema.json): 1001 errors")
        #expect(lines.count == 1_002)
        #expect(
            lines.last
                == "instance.json:1:1: error: (root): only the first 1000 errors are reported; later ones were left out []"
        )
    }

    @Test func catastrophicPatternIsAnsweredAtOnce() throws {
        let run = try check(["pattern": "^(a+)+$"], .string(String(repeating: "a", count: 20) + "!"))
        #expect(run.status == 1)
        #expect(
            (run.stdout + run.stderr).split(separator: "\n") == [
                "instance.json: invalid (schema.json): 1 error",
                "instance.json:1:1: error: (root): the string does not match the pattern /^(a+)+$/ [/pattern]",
            ])
    }

    @Test func catastrophicBacktrackingPatternIsRefusedWithTheStepBudget() throws {
        let run = try check(["pattern": "^(?=a)(a+)+$"], .string(String(repeating: "a", count: 30) + "!"))
        #expect(run.status == 1)
        #expect(
            (run.stdout + run.stderr).split(separator: "\n") == [
                "instance.json: invalid (schema.json): 1 error",
                "instance.json:1:1: error: (root): regex step budget exceeded: matching /^(?=a)(a+)+$/ against the "
                    + "string took more than 1,000,000 + 100 per character backtracking steps; the value is treated as "
                    + "not matching [/pattern]",
            ])
    }
}
