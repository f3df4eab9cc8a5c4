// Fuzz target: the JSON Schema compiler and validator.
//
// The input is one JSON document. A two-element array `[schema, instance]` is split into a schema and an
// instance; anything else is compiled as a schema and validated against itself. Both drafts are tried, with
// format assertion on, and the result of `isValid` must agree with the full validation.
import CardKitJSON
import JSONSchema

/// The libFuzzer entry point: compiles and validates one input; a disagreement or a trap is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchema(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let parsed = try? JSONParser.parse(bytes) else { return 0 }
    var schema = parsed.value
    var instance = parsed.value
    if case .array(let pair) = parsed.value, pair.count == 2 {
        schema = pair[0]
        instance = pair[1]
    }
    for dialect in [JSONSchemaDialect.draft2020_12, .draft7] {
        var options = JSONSchemaOptions()
        options.defaultDialect = dialect
        options.formatAssertion = true
        options.maxSchemaNodes = 5_000
        // Well under the default, so an input that makes evaluation exponential ends inside -timeout.
        options.maxEvaluationSteps = 200_000
        let compiler = JSONSchemaCompiler(options: options)
        _ = try? compiler.validateAgainstMetaSchema(schema)
        guard let compiled = try? compiler.compile(schema) else { continue }
        let result = compiled.validate(instance, format: .basic)
        if compiled.isValid(instance) != result.isValid {
            fatalError("isValid disagrees with validate(.basic)")
        }
        _ = compiled.validate(instance, format: .flag)
    }
    return 0
}
