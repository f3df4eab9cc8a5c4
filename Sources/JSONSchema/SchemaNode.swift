import CardKitJSON

/// Which draft's keyword set applies to a schema resource, and which vocabularies are on (internal).
struct Dialect: Sendable, Hashable {
    enum Draft: Sendable, Hashable {
        case draft7
        case draft2019
        case draft2020
    }

    var draft: Draft
    var applicator = true
    var validation = true
    var unevaluated = true
    var formatAssertion = false

    static let draft7 = Dialect(draft: .draft7)
    static let draft2019 = Dialect(draft: .draft2019)
    static let draft2020 = Dialect(draft: .draft2020)

    init(draft: Draft) { self.draft = draft }

    init(_ public: JSONSchemaDialect) {
        switch `public` {
        case .draft2020_12: self = .draft2020
        case .draft7: self = .draft7
        }
    }

    /// Draft-07 ignores every keyword beside `$ref`.
    var refOverridesSiblings: Bool { draft == .draft7 }
    /// Array-form `items` with `additionalItems` (draft-07 and 2019-09).
    var tupleItems: Bool { draft != .draft2020 }
}

/// JSON types as a bit set (internal).
struct TypeMask: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let null = TypeMask(rawValue: 1)
    static let boolean = TypeMask(rawValue: 2)
    static let object = TypeMask(rawValue: 4)
    static let array = TypeMask(rawValue: 8)
    static let number = TypeMask(rawValue: 16)
    static let string = TypeMask(rawValue: 32)
    static let integer = TypeMask(rawValue: 64)

    static func named(_ name: String) -> TypeMask? {
        switch name {
        case "null": return .null
        case "boolean": return .boolean
        case "object": return .object
        case "array": return .array
        case "number": return .number
        case "string": return .string
        case "integer": return .integer
        default: return nil
        }
    }
}

/// A compiled `properties` + `patternProperties` + `additionalProperties` group (internal).
struct PropertiesApplicator: Sendable {
    var properties: [String: Int] = [:]
    var patterns: [(regex: ECMARegex, node: Int)] = []
    var additional: Int?
}

/// A compiled `prefixItems` + `items` (2020-12) or `items` + `additionalItems` (draft-07) group (internal).
struct ItemsApplicator: Sendable {
    var prefix: [Int] = []
    var prefixKeyword = "prefixItems"
    var rest: Int?
    var restKeyword = "items"
}

/// Comparison keywords over numbers (internal).
enum BoundKind: String, Sendable {
    case minimum, maximum, exclusiveMinimum, exclusiveMaximum
}

/// One compiled keyword (internal). Subschemas are indices into ``Program/nodes``.
enum Keyword: Sendable {
    case ref(keyword: String, target: Int)
    case dynamicRef(target: Int, anchor: String?)
    case type(TypeMask, names: [String])
    case enumeration([JSONValue])
    case constant(JSONValue)
    case multipleOf(SchemaNumber)
    case bound(BoundKind, SchemaNumber)
    case minLength(Int)
    case maxLength(Int)
    case pattern(ECMARegex)
    case format(name: String, check: @Sendable (String) -> Bool)
    case content(encoding: String?, mediaType: String?)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    case minProperties(Int)
    case maxProperties(Int)
    case required([String])
    case dependentRequired(keyword: String, [(String, [String])])
    case dependentSchemas(keyword: String, [(String, Int)])
    case properties(PropertiesApplicator)
    case propertyNames(Int)
    case items(ItemsApplicator)
    case contains(node: Int, min: Int, max: Int?)
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    case unevaluatedProperties(Int)
    case unevaluatedItems(Int)
}

/// A compiled subschema (internal).
struct SchemaNode: Sendable {
    /// Keywords that apply to every instance type, in schema order.
    var general: [Keyword] = []
    /// Keywords that apply only to objects (`unevaluatedProperties` last).
    var object: [Keyword] = []
    /// Keywords that apply only to arrays (`unevaluatedItems` last).
    var array: [Keyword] = []
    /// Keywords that apply only to strings.
    var string: [Keyword] = []
    /// Keywords that apply only to numbers.
    var number: [Keyword] = []
    /// Whether this is the `false` schema.
    var isFalse = false
    /// Whether the schema accepts everything (`true` or no assertion at all).
    var isTrivial = false
    /// Whether `unevaluatedProperties`/`unevaluatedItems` sit here, so annotations must be collected below.
    var hasUnevaluated = false
    /// The schema resource, an index into ``Program/dynamicAnchors``.
    var resource = 0
    /// The canonical location: resource URI + `#` + JSON pointer.
    var location = ""
}

/// Everything a compiled schema needs at validation time (internal, immutable after init).
///
/// The nodes live in one manually managed buffer so the evaluator reads a node's fields in place instead of
/// copying the node (and retaining its arrays) at every step. It is never mutated after `init`, which is what
/// makes the unchecked `Sendable` sound.
final class Program: @unchecked Sendable {
    let storage: UnsafeMutableBufferPointer<SchemaNode>
    let root: Int
    let usesDynamicScope: Bool
    let dynamicAnchors: [[String: Int]]
    let maxInstanceDepth: Int
    let maxEvaluationDepth: Int

    init(
        nodes: [SchemaNode], root: Int, usesDynamicScope: Bool, dynamicAnchors: [[String: Int]], maxInstanceDepth: Int,
        maxEvaluationDepth: Int
    ) {
        storage = UnsafeMutableBufferPointer<SchemaNode>.allocate(capacity: max(nodes.count, 1))
        _ = storage.initialize(from: nodes)
        self.root = root
        self.usesDynamicScope = usesDynamicScope
        self.dynamicAnchors = dynamicAnchors
        self.maxInstanceDepth = maxInstanceDepth
        self.maxEvaluationDepth = maxEvaluationDepth
        nodeCount = nodes.count
    }

    /// The number of initialized nodes.
    let nodeCount: Int

    deinit {
        storage.baseAddress?.deinitialize(count: nodeCount)
        storage.deallocate()
    }
}

/// Escapes one JSON-pointer reference token (internal).
@inline(__always)
func escapePointerToken(_ token: String) -> String {
    guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
    return token.replacing("~", with: "~0").replacing("/", with: "~1")
}
