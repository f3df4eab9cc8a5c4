public import CardKitJSON

/// Compiles JSON Schema documents (Draft 2020-12 and Draft-07) into ``CompiledSchema`` values.
///
/// Compilation runs in four steps:
/// 1. The schema document is indexed: every subschema's base URI, dialect (from `$schema`), schema resource
///    (`$id`), `$anchor` and `$dynamicAnchor` is recorded. Keywords that do not hold schemas (`enum`,
///    `const`, unknown keywords) are not searched for identifiers.
/// 2. Starting at the root, each subschema becomes a node; `$ref` and `$dynamicRef` targets are resolved once
///    (in the document, in other indexed documents, or from the ``SchemaRegistry``) and become node indices,
///    so validation never resolves a URI. Cycles terminate because each location is compiled once.
/// 3. Keyword values are checked (types and ranges), regular expressions translated from ECMA-262 and
///    compiled, numbers prepared for exact decimal comparison, and keywords grouped by the instance type
///    they apply to.
/// 4. The nodes are frozen into an immutable program shared by every validation.
///
/// ```swift
/// var options = JSONSchemaOptions()
/// options.registry.register(remoteDocument, at: "https://example.com/defs.json")
/// let schema = try JSONSchemaCompiler(options: options).compile(schemaValue)
/// ```
public struct JSONSchemaCompiler: Sendable {
    /// The base URI of a root schema without `$id` when none is given.
    package static let defaultBaseURI = "cardkit:/schema.json"

    /// The options used for every compilation.
    public var options: JSONSchemaOptions

    /// Creates a compiler.
    /// - Parameter options: Dialect default, format behaviour, registry and limits.
    public init(options: JSONSchemaOptions = JSONSchemaOptions()) {
        self.options = options
    }

    /// Compiles a schema.
    /// - Parameters:
    ///   - schema: The schema document (an object or a Boolean).
    ///   - baseURI: The URI the schema was retrieved from; relative `$id`s and `$ref`s resolve against it.
    ///     Defaults to ``defaultBaseURI``.
    /// - Returns: The compiled schema.
    /// - Throws: ``JSONSchemaError`` for an unresolvable reference, an invalid keyword value, an unsupported
    ///   regular expression or vocabulary, or a schema larger than ``JSONSchemaOptions/maxSchemaNodes``.
    public func compile(_ schema: JSONValue, baseURI: String? = nil) throws(JSONSchemaError) -> CompiledSchema {
        let base = URIReference.normalized(baseURI ?? Self.defaultBaseURI)
        var compilation = SchemaCompilation(options: options)
        let program = try compilation.compile(schema, baseURI: base)
        let rootInfo = compilation.index.info(at: SchemaLocation(document: 0, pointer: ""))
        let dialect: JSONSchemaDialect = rootInfo?.dialect.draft == .draft7 ? .draft7 : .draft2020_12
        return CompiledSchema(program: program, dialect: dialect, rootURI: rootInfo?.resource ?? base)
    }

    /// Compiles a schema from JSON text.
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text of the schema.
    ///   - baseURI: The URI the schema was retrieved from.
    /// - Returns: The compiled schema.
    /// - Throws: ``JSONSchemaError`` (kind ``JSONSchemaError/Kind/invalidSchema``) when the text is not JSON,
    ///   or any compile error.
    public func compile(bytes: some Collection<UInt8>, baseURI: String? = nil) throws(JSONSchemaError) -> CompiledSchema
    {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes).value
        } catch {
            throw JSONSchemaError(
                kind: .invalidSchema, location: baseURI ?? Self.defaultBaseURI,
                message: "the schema is not JSON: \(error)")
        }
        return try compile(value, baseURI: baseURI)
    }

    /// Validates a schema against the meta-schema of its dialect (its `$schema`, else the default dialect).
    ///
    /// The meta-schema documents must be registered in ``JSONSchemaOptions/registry`` under their canonical
    /// URIs (for 2020-12 also the `meta/*` vocabulary schemas); they are not bundled.
    /// - Parameter schema: The schema document to check.
    /// - Returns: The basic-format result of validating the schema as an instance.
    /// - Throws: ``JSONSchemaError`` when the meta-schema is not registered or does not compile.
    public func validateAgainstMetaSchema(_ schema: JSONValue) throws(JSONSchemaError) -> ValidationResult {
        let uri = schema["$schema"]?.stringValue ?? options.defaultDialect.metaSchemaURI
        let wrapper: JSONValue = ["$ref": .string(uri)]
        var metaOptions = options
        metaOptions.formatAssertion = false
        let meta = try JSONSchemaCompiler(options: metaOptions).compile(wrapper)
        return meta.validate(schema)
    }
}
