import CardKitJSON
import JSONSchema
import Testing

/// Compile errors, `$ref` cycles, depth bounds and number/string/regex semantics.
@Suite struct CompilerTests {
    private func compileError(_ schema: JSONValue) -> JSONSchemaError? {
        do {
            _ = try JSONSchemaCompiler().compile(schema)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Compile errors

    @Test func unresolvableReferenceNamesItsLocation() throws {
        let error = try #require(compileError(["properties": ["a": ["$ref": "#/$defs/missing"]]]))
        #expect(error.kind == .unresolvableReference)
        #expect(error.location == "cardkit:/schema.json#/properties/a/$ref")
        #expect(error.description.hasPrefix("cardkit:/schema.json#/properties/a/$ref: error: cannot resolve reference"))
    }

    @Test func remoteReferenceIsNeverFetched() throws {
        let error = try #require(compileError(["$ref": "https://example.com/not-registered.json"]))
        #expect(error.kind == .unresolvableReference)
        #expect(error.message.contains("no schema is known at https://example.com/not-registered.json"))
    }

    @Test func registryServesRemoteReferences() throws {
        var registry = SchemaRegistry()
        registry.register(["type": "integer"], at: "https://example.com/int.json")
        let compiled = try JSONSchemaCompiler(options: JSONSchemaOptions(registry: registry))
            .compile(["$ref": "https://example.com/int.json"])
        #expect(compiled.isValid(3))
        #expect(!compiled.isValid("3"))
    }

    /// A schema that must not compile, with the expected error kind and location.
    struct BadSchema: Sendable, CustomTestStringConvertible {
        var schema: JSONValue
        var kind: JSONSchemaError.Kind
        var location: String
        var testDescription: String { JSONWriter.string(schema) }
    }

    static let badSchemas: [BadSchema] = [
        BadSchema(schema: ["pattern": "("], kind: .invalidRegularExpression, location: "cardkit:/schema.json#/pattern"),
        BadSchema(
            schema: ["pattern": "(?<=a)b"], kind: .invalidRegularExpression, location: "cardkit:/schema.json#/pattern"),
        BadSchema(
            schema: ["patternProperties": ["[": true]], kind: .invalidRegularExpression,
            location: "cardkit:/schema.json#/patternProperties/["),
        BadSchema(schema: ["minimum": "5"], kind: .invalidKeywordValue, location: "cardkit:/schema.json#/minimum"),
        BadSchema(schema: ["minLength": -1], kind: .invalidKeywordValue, location: "cardkit:/schema.json#/minLength"),
        BadSchema(schema: ["type": "text"], kind: .invalidKeywordValue, location: "cardkit:/schema.json#/type"),
        BadSchema(schema: ["required": "name"], kind: .invalidKeywordValue, location: "cardkit:/schema.json#/required"),
        BadSchema(schema: ["multipleOf": 0], kind: .invalidKeywordValue, location: "cardkit:/schema.json#/multipleOf"),
        BadSchema(schema: ["properties": ["a": 5]], kind: .invalidSchema, location: "cardkit:/schema.json#/properties"),
        BadSchema(
            schema: ["$schema": "https://example.com/unknown-dialect"], kind: .unresolvableReference,
            location: "cardkit:/schema.json#/$schema"),
    ]

    @Test(arguments: badSchemas)
    func badSchemasFailToCompile(_ bad: BadSchema) throws {
        let error = try #require(compileError(bad.schema))
        #expect(error.kind == bad.kind)
        #expect(error.location == bad.location)
    }

    // MARK: - Cycles and depth

    @Test func referenceCycleCompilesAndValidationTerminates() throws {
        let compiled = try JSONSchemaCompiler().compile([
            "$defs": ["a": ["$ref": "#/$defs/b"], "b": ["$ref": "#/$defs/a"]],
            "$ref": "#/$defs/a",
        ])
        let result = compiled.validate("anything")
        #expect(!result.isValid)
        #expect(result.errors.count == 1)
        #expect(
            result.errors.first?.message
                == "$ref leads back to a schema already being applied to this value (an endless cycle)")
        #expect(result.errors.first?.keywordLocation.description == "/$ref/$ref/$ref")
        #expect(!compiled.isValid(1))
    }

    /// Fuzz finding: a schema that refers back to itself along two branches used to branch 2^512 ways before the
    /// depth limit stopped it; the cycle is now refused where it closes.
    @Test func selfReferenceAlongSeveralBranchesEndsAtOnce() throws {
        let compiled = try JSONSchemaCompiler().compile([
            "$defs": ["a": ["allOf": [["$ref": "#/$defs/a"], ["$ref": "#/$defs/a"]]]], "$ref": "#/$defs/a",
        ])
        let result = compiled.validate(["deep": [1, 2, 3]])
        #expect(!result.isValid)
        #expect(result.errors.count == 2)
    }

    @Test func recursiveSchemaValidatesNestedInstances() throws {
        let tree: JSONValue = [
            "type": "object",
            "properties": ["value": ["type": "integer"], "children": ["type": "array", "items": ["$ref": "#"]]],
        ]
        let compiled = try JSONSchemaCompiler().compile(tree)
        let leaf: JSONValue = ["value": 1]
        #expect(compiled.isValid(["value": 0, "children": [leaf, ["value": 2, "children": [leaf]]]]))
        let bad = compiled.validate(["value": 0, "children": [["value": "x"]]])
        #expect(bad.errors.map(\.instanceLocation.description) == ["/children/0/value"])
        #expect(
            bad.errors.map(\.keywordLocation.description) == ["/properties/children/items/$ref/properties/value/type"])
    }

    @Test func deepInstancesStopAtTheDepthBound() throws {
        var instance: JSONValue = 0
        for _ in 0..<1_000 { instance = .array([instance]) }
        let compiled = try JSONSchemaCompiler().compile(["items": ["$ref": "#"]])
        let result = compiled.validate(instance)
        #expect(!result.isValid)
        let error = try #require(result.errors.first)
        #expect(error.instanceLocation.tokens.count == 129)
        #expect(error.message == "the instance is nested deeper than 128 levels")
        #expect(!compiled.isValid(instance))

        var options = JSONSchemaOptions()
        options.maxInstanceDepth = 2_000
        options.maxEvaluationDepth = 5_000
        var shallow: JSONValue = 0
        for _ in 0..<100 { shallow = .array([shallow]) }
        #expect(try JSONSchemaCompiler(options: options).compile(["items": ["$ref": "#"]]).isValid(shallow))
    }

    // MARK: - Numbers, strings, regular expressions

    @Test func numbersCompareExactly() throws {
        let compiler = JSONSchemaCompiler()
        #expect(try compiler.compile(["multipleOf": 0.01]).isValid(.number(JSONNumber(uncheckedLiteral: "19.99"))))
        #expect(!(try compiler.compile(["multipleOf": 0.01]).isValid(.number(JSONNumber(uncheckedLiteral: "19.991")))))
        #expect(try compiler.compile(["type": "integer"]).isValid(.number(JSONNumber(uncheckedLiteral: "1.0"))))
        #expect(!(try compiler.compile(["type": "integer"]).isValid(.number(JSONNumber(uncheckedLiteral: "1.5")))))
        let big = try compiler.compile(["minimum": .number(JSONNumber(uncheckedLiteral: "12345678901234567890"))])
        #expect(!big.isValid(.number(JSONNumber(uncheckedLiteral: "12345678901234567889"))))
        #expect(big.isValid(.number(JSONNumber(uncheckedLiteral: "1.2345678901234567890e19"))))
        #expect(try compiler.compile(["const": 1]).isValid(.number(JSONNumber(uncheckedLiteral: "1.0e0"))))
        #expect(try compiler.compile(["enum": [["a": 1, "b": 2]]]).isValid(["b": 2.0, "a": 1]))
    }

    @Test func stringLengthCountsCodePoints() throws {
        let compiled = try JSONSchemaCompiler().compile(["maxLength": 2, "minLength": 2])
        #expect(compiled.isValid("🐲🐲"))
        #expect(!compiled.isValid("🐲"))
        #expect(compiled.isValid("e\u{301}"))  // two code points, one grapheme
        #expect(!(try JSONSchemaCompiler().compile(["const": "\u{E9}"]).isValid("e\u{301}")))
    }

    @Test func regularExpressionsFollowECMA262() throws {
        let compiler = JSONSchemaCompiler()
        #expect(try compiler.compile(["pattern": "b"]).isValid("abc"))  // unanchored
        #expect(!(try compiler.compile(["pattern": "^\\d$"]).isValid("\u{0663}")))  // ASCII digits only
        #expect(!(try compiler.compile(["pattern": "^\\w$"]).isValid("é")))
        #expect(try compiler.compile(["pattern": "^\\s$"]).isValid("\u{FEFF}"))
        #expect(try compiler.compile(["pattern": "^\\p{Letter}+$"]).isValid("Ελληνικά"))
        #expect(!(try compiler.compile(["pattern": "^abc$"]).isValid("abc\n")))
        #expect(try compiler.compile(["pattern": "^\\uD83D\\uDC32$"]).isValid("🐲"))
    }

    @Test func formatIsAnAnnotationUnlessAsserted() throws {
        let schema: JSONValue = ["format": "date-time"]
        #expect(try JSONSchemaCompiler().compile(schema).isValid("not a date"))
        var options = JSONSchemaOptions()
        options.formatAssertion = true
        let asserting = try JSONSchemaCompiler(options: options).compile(schema)
        #expect(!asserting.isValid("not a date"))
        #expect(asserting.isValid("2024-02-29T12:00:00Z"))
        #expect(!asserting.isValid("2023-02-29T12:00:00Z"))
        #expect(asserting.validate("x").errors.first?.message == "the string is not a valid date-time")
    }

    @Test func draft7RefIgnoresSiblingsAndDialectIsReported() throws {
        let schema: JSONValue = [
            "$schema": "http://json-schema.org/draft-07/schema#",
            "definitions": ["s": ["type": "string"]],
            "properties": ["a": ["$ref": "#/definitions/s", "maxLength": 1]],
        ]
        let compiled = try JSONSchemaCompiler().compile(schema)
        #expect(compiled.dialect == .draft7)
        #expect(compiled.isValid(["a": "long string"]))
        #expect(!compiled.isValid(["a": 1]))
    }

    @Test func compiledSchemaIsSharedAcrossTasks() async throws {
        let compiled = try JSONSchemaCompiler().compile(["type": "array", "items": ["type": "integer"]])
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask { compiled.isValid(index % 2 == 0 ? [1, 2, 3] : [1, "x"]) }
            }
            var collected: [Bool] = []
            for await result in group { collected.append(result) }
            return collected
        }
        #expect(results.filter { $0 }.count == 4)
    }
}
