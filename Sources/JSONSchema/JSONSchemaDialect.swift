/// The JSON Schema drafts the validator implements, chosen per schema resource by `$schema`.
public enum JSONSchemaDialect: String, Sendable, Hashable, CaseIterable {
    /// Draft 2020-12, the default when a schema has no `$schema`.
    case draft2020_12 = "https://json-schema.org/draft/2020-12/schema"
    /// Draft-07: `$ref` overrides its siblings, `definitions`, `dependencies`, array-form `items` with `additionalItems`.
    case draft7 = "http://json-schema.org/draft-07/schema#"

    /// The canonical meta-schema URI of the dialect, as written in `$schema`.
    package var metaSchemaURI: String { rawValue }

    /// The dialect named by a `$schema` value, or `nil` when the URI is not one of the built-in dialects.
    /// - Parameter uri: A `$schema` value; a trailing empty fragment (`#`) is ignored.
    public init?(metaSchemaURI uri: String) {
        switch URIReference.normalized(uri) {
        case "https://json-schema.org/draft/2020-12/schema": self = .draft2020_12
        case "http://json-schema.org/draft-07/schema", "https://json-schema.org/draft-07/schema": self = .draft7
        default: return nil
        }
    }
}
