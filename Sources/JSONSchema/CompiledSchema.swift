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
        guard format == .basic else {
            return ValidationResult(isValid: evaluate { $0.run(instance) }.result, errors: [], format: format)
        }
        let (evaluator, valid) = evaluate { $0.runCollecting(instance) }
        return ValidationResult(isValid: valid, errors: valid ? [] : evaluator.errors, format: format)
    }

    /// How many subschema evaluations run without memoizing `$ref` results before an evaluation starts over with
    /// memoizing on.
    ///
    /// Memoizing costs a hash of the instance location at every `$ref`, which made ordinary card validation 1.65×
    /// slower; a document that needs it (a schema whose references multiply, 2^22 paths in 1.6 KB) runs past this
    /// many steps first.
    static let stepsBeforeMemoizing = 100_000

    /// Runs `body` on an evaluator without memoizing, then, only if that ran out of ``stepsBeforeMemoizing`` steps,
    /// on one that memoizes with the whole step budget.
    private func evaluate<T>(_ body: (Evaluator) -> T) -> (evaluator: Evaluator, result: T) {
        if Evaluator.canMemoize(program), Self.stepsBeforeMemoizing < program.maxEvaluationSteps {
            let quick = Evaluator(
                program: program, collect: false, memoize: false, stepLimit: Self.stepsBeforeMemoizing)
            let result = body(quick)
            if !quick.ranOutOfSteps { return (quick, result) }
        }
        let full = Evaluator(program: program, collect: false)
        return (full, body(full))
    }

    /// Whether an instance is valid; the fastest check (the flag format).
    /// - Parameter instance: The JSON value to validate.
    /// - Returns: `true` when valid.
    public func isValid(_ instance: JSONValue) -> Bool {
        evaluate { $0.run(instance) }.result
    }

    /// The number of compiled subschemas (a size measure for diagnostics and limits).
    package var subschemaCount: Int { program.nodeCount }
}
