public import CardKitJSON

/// A schema compiled by ``JSONSchemaCompiler``, ready to validate any number of instances.
///
/// Compiled schemas are immutable and `Sendable`: share one across threads and validate concurrently.
///
/// ```swift
/// let schema = try JSONSchemaCompiler().compile(schemaValue)
/// let result = schema.validate(instance)
/// for error in result.errors { print(error) }   // "/name: the string has 0 characters; …"
/// ```
public struct CompiledSchema: Sendable {
    let program: Program

    /// The dialect of the root schema resource.
    public let dialect: JSONSchemaDialect

    /// The absolute URI of the root schema (its `$id`, or the base URI it was compiled with).
    public let rootURI: String

    init(program: Program, dialect: JSONSchemaDialect, rootURI: String) {
        self.program = program
        self.dialect = dialect
        self.rootURI = rootURI
    }

    /// Validates an instance.
    /// - Parameters:
    ///   - instance: The JSON value to validate.
    ///   - format: ``ValidationOutputFormat/flag`` stops at the first failure and reports no errors;
    ///     ``ValidationOutputFormat/basic`` (the default) evaluates everything and lists every failed assertion
    ///     (at most ``JSONSchemaOptions/maxErrors``). An invalid instance is evaluated twice, first as for the flag
    ///     format, so the two formats always agree on validity.
    /// - Returns: The result, whose ``ValidationResult/jsonValue`` is the specification's output format.
    public func validate(_ instance: JSONValue, format: ValidationOutputFormat = .basic) -> ValidationResult {
        let evaluator = Evaluator(program: program, collect: false)
        guard format == .basic else {
            return ValidationResult(isValid: evaluator.run(instance), errors: [], format: format)
        }
        let valid = evaluator.runCollecting(instance)
        return ValidationResult(isValid: valid, errors: valid ? [] : evaluator.errors, format: format)
    }

    /// Whether an instance is valid; the fastest check (the flag format).
    /// - Parameter instance: The JSON value to validate.
    /// - Returns: `true` when valid.
    public func isValid(_ instance: JSONValue) -> Bool {
        Evaluator(program: program, collect: false).run(instance)
    }

    /// The number of compiled subschemas (a size measure for diagnostics and limits).
    public var subschemaCount: Int { program.nodeCount }
}
