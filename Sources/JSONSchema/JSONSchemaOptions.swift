/// How ``JSONSchemaCompiler`` compiles and how the resulting ``CompiledSchema`` validates.
public struct JSONSchemaOptions: Sendable {
    /// The dialect of a schema without `$schema`.
    ///
    /// Default ``JSONSchemaDialect/draft2020_12``.
    public var defaultDialect: JSONSchemaDialect = .draft2020_12
    /// Whether `format` is an assertion (`true`) or only an annotation (`false`, the default, as the
    /// specification requires unless asked).
    ///
    /// A meta-schema that requires the format-assertion vocabulary
    /// turns assertion on for the schemas that use it.
    public var formatAssertion: Bool = false
    /// Documents for remote references and custom meta-schemas; never fetched from the network.
    public var registry: SchemaRegistry = SchemaRegistry()
    /// The deepest instance nesting validated; deeper values fail with an error at that location.
    ///
    /// Default 128.
    public var maxInstanceDepth: Int = 128
    /// The deepest nesting of subschema evaluations (through `$ref` chains and applicators).
    ///
    /// Evaluation past it fails, which also ends `$ref` cycles that never move into the instance. Default 512.
    public var maxEvaluationDepth: Int = 512
    /// The most subschema evaluations one validation may take.
    ///
    /// A backstop for schemas that make evaluation exponential in ways the memoized `$ref` results do not cover
    /// (`$dynamicRef`, `unevaluatedProperties`/`unevaluatedItems` over shared subschemas): past it, validation stops
    /// and reports one violation, "evaluation step budget exceeded", at the schema and instance locations reached.
    /// Default 10,000,000 (a few seconds at most; a card validates in a few thousand).
    public var maxEvaluationSteps: Int = 10_000_000
    /// The most violations the basic output format lists; a last violation says when more were left out.
    ///
    /// Bounds memory when one failure is reached along exponentially many keyword paths. Default 1,000.
    public var maxErrors: Int = 1_000
    /// The most subschemas a compiled schema may hold (bounds compile time and memory).
    ///
    /// Default 100,000.
    public var maxSchemaNodes: Int = 100_000

    /// Creates options with the defaults.
    public init() {}

    /// Creates options with the given registry and format behaviour.
    /// - Parameters:
    ///   - registry: Documents for remote references.
    ///   - formatAssertion: Whether `format` asserts.
    ///   - defaultDialect: The dialect for schemas without `$schema`.
    package init(
        registry: SchemaRegistry, formatAssertion: Bool = false, defaultDialect: JSONSchemaDialect = .draft2020_12
    ) {
        self.registry = registry
        self.formatAssertion = formatAssertion
        self.defaultDialect = defaultDialect
    }
}
