import CardKitJSON
import JSONSchema
import Testing

/// What compilations share (registered documents' indexes, translated regular expressions) never leaks
/// between schemas or registries.
@Suite struct CompileCacheTests {
    @Test func aCachedInvalidPatternStillNamesEachSchemasLocation() throws {
        for keyword in ["first", "second"] {
            let schema: JSONValue = ["properties": [.init(stringLiteral: keyword): ["pattern": "(?<=a)b"]]]
            do {
                _ = try JSONSchemaCompiler().compile(schema)
                Issue.record("a look-behind pattern must not compile")
            } catch {
                #expect(error.kind == .invalidRegularExpression)
                #expect(error.location == "cardkit:/schema.json#/properties/\(keyword)/pattern")
            }
        }
    }

    @Test func aCachedPatternMatchesLikeAFreshOne() throws {
        let schema: JSONValue = ["type": "string", "pattern": "^[a-z]+\\d$"]
        let first = try JSONSchemaCompiler().compile(schema)
        let second = try JSONSchemaCompiler().compile(schema)
        for compiled in [first, second] {
            #expect(compiled.isValid("abc1"))
            #expect(!compiled.isValid("abc"))
        }
    }

    @Test func reRegisteringADocumentReplacesTheCachedIndex() throws {
        let uri = "https://example.com/shared.json"
        var registry = SchemaRegistry()
        registry.register(["$defs": ["n": ["type": "integer"]]], at: uri)
        let reference: JSONValue = ["$ref": "https://example.com/shared.json#/$defs/n"]
        let before = try JSONSchemaCompiler(options: JSONSchemaOptions(registry: registry)).compile(reference)
        #expect(before.isValid(3))
        #expect(!before.isValid("3"))

        var changed = registry
        changed.register(["$defs": ["n": ["type": "string"]]], at: uri)
        let after = try JSONSchemaCompiler(options: JSONSchemaOptions(registry: changed)).compile(reference)
        #expect(after.isValid("3"))
        #expect(!after.isValid(3))

        // The original registry still compiles against its own document.
        let again = try JSONSchemaCompiler(options: JSONSchemaOptions(registry: registry)).compile(reference)
        #expect(again.isValid(3))
    }
}
