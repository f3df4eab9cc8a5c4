import CardKitJSON
import CardKitTestSupport
import JSONSchema
import Testing

/// Validating schemas against the registered draft meta-schemas.
@Suite struct MetaSchemaTests {
    @Test(.enabled(if: TestSuiteSupport.isAvailable, Comment(rawValue: TestSuiteSupport.skipReason)))
    func schemasAreCheckedAgainstTheirMetaSchema() throws {
        let compiler = JSONSchemaCompiler(options: JSONSchemaOptions(registry: TestSuiteSupport.registry))
        #expect(try compiler.validateAgainstMetaSchema(["type": "string", "minLength": 1]).isValid)
        let bad = try compiler.validateAgainstMetaSchema(["type": "text", "minLength": -1])
        #expect(!bad.isValid)
        #expect(bad.errors.contains { $0.instanceLocation == "/minLength" })
        #expect(bad.errors.contains { $0.instanceLocation == "/type" })
        let draft7 = try compiler.validateAgainstMetaSchema([
            "$schema": "http://json-schema.org/draft-07/schema#", "required": "name",
        ])
        #expect(!draft7.isValid)
        #expect(draft7.errors.map(\.instanceLocation.description).contains("/required"))
    }
}
