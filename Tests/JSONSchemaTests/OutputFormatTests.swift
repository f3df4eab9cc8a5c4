import CardKitJSON
import JSONSchema
import Testing

/// The flag and basic output formats: exact locations for a chosen failing instance.
@Suite struct OutputFormatTests {
    static let schema: JSONValue = [
        "$id": "https://example.com/card.json",
        "type": "object",
        "properties": [
            "name": ["type": "string", "minLength": 1],
            "data": ["$ref": "#/$defs/data"],
        ],
        "$defs": [
            "data": [
                "required": ["name"],
                "properties": ["name": ["type": "string"]],
                "additionalProperties": false,
            ]
        ],
    ]

    static let instance: JSONValue = ["name": "", "data": ["extra": 1]]

    @Test func basicFormatListsEveryFailureWithExactLocations() throws {
        let compiled = try JSONSchemaCompiler().compile(Self.schema)
        let result = compiled.validate(Self.instance)
        #expect(!result.isValid)
        #expect(
            result.errors == [
                SchemaViolation(
                    instanceLocation: "/name", keywordLocation: "/properties/name/minLength",
                    absoluteKeywordLocation: "https://example.com/card.json#/properties/name/minLength",
                    message: "the string has 0 characters; at least 1 required"),
                SchemaViolation(
                    instanceLocation: "/data", keywordLocation: "/properties/data/$ref/required",
                    absoluteKeywordLocation: "https://example.com/card.json#/$defs/data/required",
                    message: "required property 'name' is missing"),
                SchemaViolation(
                    instanceLocation: "/data/extra", keywordLocation: "/properties/data/$ref/additionalProperties",
                    absoluteKeywordLocation: "https://example.com/card.json#/$defs/data/additionalProperties",
                    message: "additional property 'extra' is not allowed"),
            ])
    }

    @Test func basicFormatAsJSON() throws {
        let compiled = try JSONSchemaCompiler().compile(Self.schema)
        let json = compiled.validate(Self.instance).jsonValue
        #expect(json["valid"] == false)
        let errors = try #require(json["errors"]?.arrayValue)
        #expect(errors.count == 3)
        #expect(
            errors[1]
                == [
                    "valid": false,
                    "keywordLocation": "/properties/data/$ref/required",
                    "absoluteKeywordLocation": "https://example.com/card.json#/$defs/data/required",
                    "instanceLocation": "/data",
                    "error": "required property 'name' is missing",
                ])
        #expect(JSONWriter.string(compiled.validate(["name": "x"]).jsonValue) == #"{"valid":true}"#)
    }

    @Test func flagFormatHasOnlyValidity() throws {
        let compiled = try JSONSchemaCompiler().compile(Self.schema)
        let result = compiled.validate(Self.instance, format: .flag)
        #expect(!result.isValid)
        #expect(result.errors.isEmpty)
        #expect(JSONWriter.string(result.jsonValue) == #"{"valid":false}"#)
        #expect(compiled.isValid(["name": "Ayla", "data": ["name": "Ayla"]]))
    }

    @Test func failedBranchesOfAnyOfAreDroppedWhenOneMatches() throws {
        let compiled = try JSONSchemaCompiler().compile(["anyOf": [["type": "string"], ["minimum": 3]]])
        #expect(compiled.validate(5).errors.isEmpty)
        let failing = compiled.validate(1)
        #expect(failing.errors.map(\.keywordLocation.description) == ["/anyOf/0/type", "/anyOf/1/minimum", "/anyOf"])
        #expect(failing.errors.last?.message == "the value matches none of the 2 schemas in anyOf")
    }

    @Test func violationDescriptionNamesLocation() {
        let violation = SchemaViolation(
            instanceLocation: "/data/name", keywordLocation: "/properties/data/$ref/type",
            absoluteKeywordLocation: "x#/type", message: "expected string, found integer")
        #expect(violation.description == "/data/name: expected string, found integer (at /properties/data/$ref/type)")
    }
}
