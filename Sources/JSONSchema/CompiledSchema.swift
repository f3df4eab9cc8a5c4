public import CardKitJSON
import OrderedCollections

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
            return ValidationResult(isValid: evaluate(instance) { $0.run(instance) }.result, errors: [], format: format)
        }
        let (evaluator, valid) = evaluate(instance) { $0.runCollecting(instance) }
        return ValidationResult(isValid: valid, errors: valid ? [] : evaluator.errors, format: format)
    }

    /// How many subschema evaluations run without memoizing `$ref` results before an evaluation starts over with
    /// memoizing on.
    ///
    /// Memoizing costs a hash of the instance location at every `$ref`, which made ordinary card validation 1.65×
    /// slower; a document that needs it (a schema whose references multiply, 2^22 paths in 1.6 KB) runs past this
    /// many steps first.
    static let stepsBeforeMemoizing = 100_000

    /// How many subschema evaluations per value of the instance an evaluation without memoizing may take, when that
    /// is more than ``stepsBeforeMemoizing``.
    ///
    /// A card with a 5,000-entry lorebook holds about 75,000 values and takes about twice as many steps, none of
    /// them repeated: memoizing would only add a hash per `$ref`. References that multiply take far more steps than
    /// values, however large the instance.
    static let stepsPerValueBeforeMemoizing = 16

    /// Runs `body` on an evaluator without memoizing, then, only if that ran out of ``stepsBeforeMemoizing`` steps,
    /// on one without memoizing again with ``stepsPerValueBeforeMemoizing`` steps per value of `instance` (when that
    /// allows more), and only if that too runs out, on one that memoizes with the whole step budget.
    ///
    /// Memoizing never changes a result, so the first evaluation to finish within its steps gives the answer.
    func evaluate<T>(_ instance: JSONValue, _ body: (Evaluator) -> T) -> (evaluator: Evaluator, result: T) {
        if Evaluator.canMemoize(program), Self.stepsBeforeMemoizing < program.maxEvaluationSteps {
            let quick = Evaluator(
                program: program, collect: false, memoize: false, stepLimit: Self.stepsBeforeMemoizing)
            let result = body(quick)
            if !quick.ranOutOfSteps { return (quick, result) }
            let perValue = Self.stepsPerValueBeforeMemoizing
            let sized = perValue * instance.valueCount(atMost: program.maxEvaluationSteps / perValue)
            if sized > Self.stepsBeforeMemoizing {
                let large = Evaluator(program: program, collect: false, memoize: false, stepLimit: sized)
                let result = body(large)
                if !large.ranOutOfSteps { return (large, result) }
            }
        }
        let full = Evaluator(program: program, collect: false)
        return (full, body(full))
    }

    /// Whether an instance is valid; the fastest check (the flag format).
    /// - Parameter instance: The JSON value to validate.
    /// - Returns: `true` when valid.
    public func isValid(_ instance: JSONValue) -> Bool {
        evaluate(instance) { $0.run(instance) }.result
    }

    /// The number of compiled subschemas (a size measure for diagnostics and limits).
    package var subschemaCount: Int { program.nodeCount }
}

extension JSONValue {
    /// The number of values in this value (itself, and every element and member value below it), counted up to
    /// `limit`: a walk with a stack of its own, so any depth is safe.
    func valueCount(atMost limit: Int) -> Int {
        var count = 0
        var pending: [JSONValue] = [self]
        while let value = pending.popLast(), count < limit {
            count += 1
            switch value {
            case .array(let elements): pending.append(contentsOf: elements)
            case .object(let object): pending.append(contentsOf: object.members.values)
            default: break
            }
        }
        return count
    }
}
