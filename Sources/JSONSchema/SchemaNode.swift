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
    /// The subschema of each name in `properties`.
    var properties = PropertyNameTable([])
    var patterns: [(regex: ECMARegex, node: Int)] = []
    var additional: Int?
}

/// A compiled `required` (internal).
///
/// A class, so that the evaluator's `switch` over a keyword copies one reference, not three.
final class RequiredNames: Sendable {
    /// The names, in schema order (the order their violations are reported in).
    let names: [String]
    /// Each distinct name with a bit of its own, when there are at most 64.
    private let bits: PropertyNameTable?
    /// Every name's bit.
    private let allBits: UInt64

    init(_ names: [String]) {
        self.names = names
        var distinct: [String] = []
        var seen = Set<String>()
        for name in names where seen.insert(name).inserted { distinct.append(name) }
        if distinct.count <= 64 {
            bits = PropertyNameTable(distinct.enumerated().map { ($1, $0) })
            allBits = distinct.count == 64 ? ~0 : (1 << UInt64(distinct.count)) - 1
        } else {
            bits = nil
            allBits = 0
        }
    }

    /// Whether `object` has every name.
    ///
    /// An object of up to 16 members is answered by one pass over its keys: `OrderedDictionary` finds a key in an
    /// object that small by comparing it with each member's key in turn, once per required name.
    @inline(__always)
    func allPresent(in object: JSONObject) -> Bool {
        if let bits, object.count <= 16 {
            var seen: UInt64 = 0
            for key in object.keys {
                if let bit = bits.value(for: key) { seen |= 1 << UInt64(bit) }
            }
            return seen == allBits
        }
        return names.allSatisfy { object[$0] != nil }
    }
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

/// One compiled keyword (internal).
///
/// Subschemas are indices into ``Program/nodes``.
///
/// `indirect`: every payload lives in a box, so the evaluator's `switch` copies one reference instead of running
/// the runtime's generic multi-payload copy (which cost about a third of a validation).
indirect enum Keyword: Sendable {
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
    case required(RequiredNames)
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

/// A subschema that asserts only a type, directly or through `$ref`s (internal; see ``SchemaNode/typeOnly``).
struct TypeOnlyCheck: Sendable {
    /// The types it accepts.
    var mask: TypeMask
    /// How many subschemas evaluating it takes: 1 for the `type`, one more per `$ref`.
    var evaluations: Int
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
    /// What the node checks when `type` is its only assertion (`{"type": "string"}`), or when it is only a `$ref`
    /// to such a node, directly or through other such `$ref`s (`{"$ref": "#/$defs/text"}`); else `nil`.
    ///
    /// Set by ``Program``: the evaluator checks such a node in place instead of descending into it.
    var typeOnly: TypeOnlyCheck?

    /// The mask of the node's one `type` keyword, when that is all it asserts.
    var onlyTypeAssertion: TypeMask? {
        guard isPlainAssertion, case .type(let mask, _) = general[0] else { return nil }
        return mask
    }

    /// The target of the node's one `$ref`, when that is all it holds.
    var onlyReference: Int? {
        guard isPlainAssertion, case .ref(_, let target) = general[0] else { return nil }
        return target
    }

    /// Whether the node holds one keyword that applies to every type and nothing else.
    private var isPlainAssertion: Bool {
        !isFalse && !isTrivial && !hasUnevaluated && object.isEmpty && array.isEmpty && string.isEmpty
            && number.isEmpty && general.count == 1
    }
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
    /// The most subschema evaluations one validation may take (``JSONSchemaOptions/maxEvaluationSteps``).
    let maxEvaluationSteps: Int
    /// The most violations one validation reports (``JSONSchemaOptions/maxErrors``).
    let maxErrors: Int
    /// Whether any node holds a `$ref` or `$dynamicRef` (only then can a subschema be reached more than one way).
    let hasReferences: Bool

    /// Takes the nodes out of `nodes` (moved, not copied; `nodes` is left holding empty nodes).
    init(
        nodes: inout [SchemaNode], root: Int, usesDynamicScope: Bool, dynamicAnchors: [[String: Int]],
        maxInstanceDepth: Int, maxEvaluationDepth: Int, maxEvaluationSteps: Int = 10_000_000, maxErrors: Int = 1_000
    ) {
        hasReferences = nodes.contains { node in
            node.general.contains { keyword in
                switch keyword {
                case .ref, .dynamicRef: return true
                default: return false
                }
            }
        }
        for index in nodes.indices {
            // A chain of at most 8 `$ref`s to a `type`; a longer one (or a cycle) takes the ordinary path.
            var target = index
            var evaluations = 1
            while let next = nodes[target].onlyReference, evaluations <= 8 {
                target = next
                evaluations += 1
            }
            if let mask = nodes[target].onlyTypeAssertion {
                nodes[index].typeOnly = TypeOnlyCheck(mask: mask, evaluations: evaluations)
            }
        }
        let allocated = UnsafeMutableBufferPointer<SchemaNode>.allocate(capacity: max(nodes.count, 1))
        nodes.withUnsafeMutableBufferPointer { buffer in
            guard !buffer.isEmpty else { return }
            _ = allocated.moveInitialize(fromContentsOf: buffer)
            buffer.initialize(repeating: SchemaNode())
        }
        storage = allocated
        self.root = root
        self.usesDynamicScope = usesDynamicScope
        self.dynamicAnchors = dynamicAnchors
        self.maxInstanceDepth = maxInstanceDepth
        self.maxEvaluationDepth = maxEvaluationDepth
        self.maxEvaluationSteps = maxEvaluationSteps
        self.maxErrors = maxErrors
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

/// The keywords the index and the compiler read (internal).
///
/// Reading a schema object goes through ``SchemaMembers``: one pass over the object's keys records which of
/// these keywords are present in a bit mask, so that asking for an absent keyword (nearly every question the
/// compiler asks) costs a bit test instead of a string search.
enum SchemaKeyword: Int, CaseIterable, Sendable {
    case ref, dynamicRef, format, unevaluatedProperties, unevaluatedItems, type, `enum`, const, multipleOf, minimum,
        maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern, contentEncoding,
        contentMediaType, minItems, maxItems, uniqueItems, minProperties, maxProperties, required, dependentRequired,
        allOf, anyOf, oneOf, not, `if`, then, `else`, properties, patternProperties, additionalProperties,
        propertyNames, dependencies, dependentSchemas, items, prefixItems, additionalItems, contains, minContains,
        maxContains, id, schema, anchor, dynamicAnchor, definitions, defs, contentSchema

    /// The keyword as written in schemas.
    var name: String {
        switch self {
        case .ref: return "$ref"
        case .dynamicRef: return "$dynamicRef"
        case .format: return "format"
        case .unevaluatedProperties: return "unevaluatedProperties"
        case .unevaluatedItems: return "unevaluatedItems"
        case .type: return "type"
        case .`enum`: return "enum"
        case .const: return "const"
        case .multipleOf: return "multipleOf"
        case .minimum: return "minimum"
        case .maximum: return "maximum"
        case .exclusiveMinimum: return "exclusiveMinimum"
        case .exclusiveMaximum: return "exclusiveMaximum"
        case .minLength: return "minLength"
        case .maxLength: return "maxLength"
        case .pattern: return "pattern"
        case .contentEncoding: return "contentEncoding"
        case .contentMediaType: return "contentMediaType"
        case .minItems: return "minItems"
        case .maxItems: return "maxItems"
        case .uniqueItems: return "uniqueItems"
        case .minProperties: return "minProperties"
        case .maxProperties: return "maxProperties"
        case .required: return "required"
        case .dependentRequired: return "dependentRequired"
        case .allOf: return "allOf"
        case .anyOf: return "anyOf"
        case .oneOf: return "oneOf"
        case .not: return "not"
        case .`if`: return "if"
        case .then: return "then"
        case .`else`: return "else"
        case .properties: return "properties"
        case .patternProperties: return "patternProperties"
        case .additionalProperties: return "additionalProperties"
        case .propertyNames: return "propertyNames"
        case .dependencies: return "dependencies"
        case .dependentSchemas: return "dependentSchemas"
        case .items: return "items"
        case .prefixItems: return "prefixItems"
        case .additionalItems: return "additionalItems"
        case .contains: return "contains"
        case .minContains: return "minContains"
        case .maxContains: return "maxContains"
        case .id: return "$id"
        case .schema: return "$schema"
        case .anchor: return "$anchor"
        case .dynamicAnchor: return "$dynamicAnchor"
        case .definitions: return "definitions"
        case .defs: return "$defs"
        case .contentSchema: return "contentSchema"
        }
    }

    /// The keyword named `name`, or `nil` for any other key.
    ///
    /// Dispatches on the length first, so a key is
    /// compared with at most a handful of keywords.
    init?(name: String) {
        switch name.utf8.count {
        case 2:
            switch name {
            case "if": self = .`if`
            default: return nil
            }
        case 3:
            switch name {
            case "not": self = .not
            case "$id": self = .id
            default: return nil
            }
        case 4:
            switch name {
            case "$ref": self = .ref
            case "type": self = .type
            case "enum": self = .`enum`
            case "then": self = .then
            case "else": self = .`else`
            default: return nil
            }
        case 5:
            switch name {
            case "const": self = .const
            case "allOf": self = .allOf
            case "anyOf": self = .anyOf
            case "oneOf": self = .oneOf
            case "items": self = .items
            case "$defs": self = .defs
            default: return nil
            }
        case 6:
            switch name {
            case "format": self = .format
            default: return nil
            }
        case 7:
            switch name {
            case "minimum": self = .minimum
            case "maximum": self = .maximum
            case "pattern": self = .pattern
            case "$schema": self = .schema
            case "$anchor": self = .anchor
            default: return nil
            }
        case 8:
            switch name {
            case "minItems": self = .minItems
            case "maxItems": self = .maxItems
            case "required": self = .required
            case "contains": self = .contains
            default: return nil
            }
        case 9:
            switch name {
            case "minLength": self = .minLength
            case "maxLength": self = .maxLength
            default: return nil
            }
        case 10:
            switch name {
            case "multipleOf": self = .multipleOf
            case "properties": self = .properties
            default: return nil
            }
        case 11:
            switch name {
            case "$dynamicRef": self = .dynamicRef
            case "uniqueItems": self = .uniqueItems
            case "prefixItems": self = .prefixItems
            case "minContains": self = .minContains
            case "maxContains": self = .maxContains
            case "definitions": self = .definitions
            default: return nil
            }
        case 12:
            switch name {
            case "dependencies": self = .dependencies
            default: return nil
            }
        case 13:
            switch name {
            case "minProperties": self = .minProperties
            case "maxProperties": self = .maxProperties
            case "propertyNames": self = .propertyNames
            case "contentSchema": self = .contentSchema
            default: return nil
            }
        case 14:
            switch name {
            case "$dynamicAnchor": self = .dynamicAnchor
            default: return nil
            }
        case 15:
            switch name {
            case "contentEncoding": self = .contentEncoding
            case "additionalItems": self = .additionalItems
            default: return nil
            }
        case 16:
            switch name {
            case "unevaluatedItems": self = .unevaluatedItems
            case "exclusiveMinimum": self = .exclusiveMinimum
            case "exclusiveMaximum": self = .exclusiveMaximum
            case "contentMediaType": self = .contentMediaType
            case "dependentSchemas": self = .dependentSchemas
            default: return nil
            }
        case 17:
            switch name {
            case "dependentRequired": self = .dependentRequired
            case "patternProperties": self = .patternProperties
            default: return nil
            }
        case 20:
            switch name {
            case "additionalProperties": self = .additionalProperties
            default: return nil
            }
        case 21:
            switch name {
            case "unevaluatedProperties": self = .unevaluatedProperties
            default: return nil
            }
        default: return nil
        }
    }
}

/// A schema object with the set of ``SchemaKeyword``s it holds (internal).
struct SchemaMembers {
    let object: JSONObject
    let present: UInt64

    init(_ object: JSONObject) {
        self.object = object
        var present: UInt64 = 0
        for key in object.keys {
            if let keyword = SchemaKeyword(name: key) { present |= 1 << UInt64(keyword.rawValue) }
        }
        self.present = present
    }

    /// Whether the object holds `keyword`.
    @inline(__always)
    func has(_ keyword: SchemaKeyword) -> Bool { present & (1 << UInt64(keyword.rawValue)) != 0 }

    /// The value of `keyword`, if present.
    @inline(__always)
    subscript(_ keyword: SchemaKeyword) -> JSONValue? { has(keyword) ? object[keyword.name] : nil }
}
