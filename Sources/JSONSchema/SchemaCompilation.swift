import CardKitJSON
import OrderedCollections

/// Turns indexed schema documents into a ``Program`` of nodes with pre-resolved references (internal).
///
/// Nodes are created on first reference and compiled from a work list, so `$ref` cycles terminate and
/// long reference chains never recurse deeply.
struct SchemaCompilation {
    var index: SchemaIndex
    let options: JSONSchemaOptions
    var nodes: [SchemaNode] = []
    /// Per document, per subschema ordinal (``LocationInfo/ordinal``), the node index or -1.
    var nodeByOrdinal: [[Int]] = []
    /// Nodes of locations the index does not hold (compiled only to report that nothing is there).
    var nodeByUnindexedLocation: [SchemaLocation: Int] = [:]
    /// Nodes allocated but not compiled yet, with what the index knows of their location (`nil`: nothing there).
    var pending: [(Int, SchemaLocation, LocationInfo?)] = []
    /// The resource of the node allocated last, to skip the `resourceIDs` lookup for its siblings.
    private var lastResource: (name: String, id: Int)?
    /// Resource indices by URI, built only once there are more than a few resources (a short list is searched).
    var resourceIDs: [String: Int] = [:]
    var resourceNames: [String] = []
    var usesDynamicRef = false

    init(options: JSONSchemaOptions) {
        self.options = options
        self.index = SchemaIndex(registry: options.registry, forceFormatAssertion: options.formatAssertion)
    }

    // MARK: - Driver

    mutating func compile(_ schema: JSONValue, baseURI: String) throws(JSONSchemaError) -> Program {
        let rootLocation = try index.addDocument(schema, uri: baseURI, dialect: Dialect(options.defaultDialect))
        let root = try nodeIndex(for: rootLocation, referencedFrom: baseURI)
        try drain()
        // Every resource that can appear in the dynamic scope needs its `$dynamicAnchor` subschemas compiled.
        var dynamicAnchors: [[String: Int]] = []
        if usesDynamicRef {
            var done = 0
            while done < resourceNames.count {
                let name = resourceNames[done]
                for (_, location) in index.dynamicAnchors[name] ?? [:] {
                    _ = try nodeIndex(for: location, referencedFrom: name)
                }
                try drain()
                done += 1
            }
            dynamicAnchors = resourceNames.map { name in
                var map: [String: Int] = [:]
                for (anchor, location) in index.dynamicAnchors[name] ?? [:] {
                    if let info = index.info(at: location), let node = existingNode(location, info) {
                        map[anchor] = node
                    }
                }
                return map
            }
        }
        var finished: [SchemaNode] = []
        swap(&finished, &nodes)
        return Program(
            nodes: &finished, root: root, usesDynamicScope: usesDynamicRef, dynamicAnchors: dynamicAnchors,
            maxInstanceDepth: options.maxInstanceDepth, maxEvaluationDepth: options.maxEvaluationDepth,
            maxEvaluationSteps: options.maxEvaluationSteps, maxErrors: options.maxErrors)
    }

    private mutating func drain() throws(JSONSchemaError) {
        while let (nodeIndex, location, info) = pending.popLast() {
            var node = SchemaNode()
            swap(&node, &nodes[nodeIndex])
            try compileNode(at: location, info: info, node: &node)
            nodes[nodeIndex] = node
        }
    }

    /// Up to this many resources are found by a linear search of `resourceNames` (no dictionary to build).
    private static let linearResourceSearch = 8

    /// The index of a resource seen before.
    private func resourceID(_ name: String) -> Int? {
        if resourceNames.count > Self.linearResourceSearch { return resourceIDs[name] }
        return resourceNames.firstIndex(of: name)
    }

    /// The node already allocated for a location, if any.
    private func existingNode(_ location: SchemaLocation, _ info: LocationInfo?) -> Int? {
        guard let info, info.ordinal >= 0 else { return nodeByUnindexedLocation[location] }
        guard location.document < nodeByOrdinal.count, info.ordinal < nodeByOrdinal[location.document].count else {
            return nil
        }
        let node = nodeByOrdinal[location.document][info.ordinal]
        return node >= 0 ? node : nil
    }

    /// Records the node allocated for a location.
    private mutating func recordNode(_ node: Int, for location: SchemaLocation, _ info: LocationInfo?) {
        guard let info, info.ordinal >= 0 else {
            nodeByUnindexedLocation[location] = node
            return
        }
        while nodeByOrdinal.count <= location.document { nodeByOrdinal.append([]) }
        let count = max(info.ordinal + 1, index.ordinalCounts[location.document])
        if nodeByOrdinal[location.document].count < count {
            nodeByOrdinal[location.document].append(
                contentsOf: repeatElement(-1, count: count - nodeByOrdinal[location.document].count))
        }
        nodeByOrdinal[location.document][info.ordinal] = node
    }

    /// The node index for a location, allocating it (and queueing its compilation) on first use.
    private mutating func nodeIndex(
        for location: SchemaLocation, referencedFrom: @autoclosure () -> String
    ) throws(JSONSchemaError) -> Int {
        let (info, indexed) = try index.locationInfoAndPresence(location)
        if let existing = existingNode(location, indexed ? info : nil) { return existing }
        return try newNode(for: location, info: info, indexed: indexed, referencedFrom: referencedFrom())
    }

    /// Allocates the node of a location not compiled yet and queues its compilation.
    private mutating func newNode(
        for location: SchemaLocation, info: LocationInfo, indexed: Bool, referencedFrom: @autoclosure () -> String
    ) throws(JSONSchemaError) -> Int {
        guard nodes.count < options.maxSchemaNodes else {
            throw JSONSchemaError(
                kind: .schemaTooLarge, location: referencedFrom(),
                message: "the schema has more than \(options.maxSchemaNodes) subschemas")
        }
        var node = SchemaNode()
        if let last = lastResource, last.name == info.resource {
            node.resource = last.id
        } else if let id = resourceID(info.resource) {
            node.resource = id
            lastResource = (info.resource, id)
        } else {
            node.resource = resourceNames.count
            lastResource = (info.resource, resourceNames.count)
            resourceNames.append(info.resource)
            if resourceNames.count > Self.linearResourceSearch {
                if resourceIDs.isEmpty {
                    for (id, name) in resourceNames.enumerated() { resourceIDs[name] = id }
                } else {
                    resourceIDs[info.resource] = node.resource
                }
            }
        }
        node.location =
            info.resource + "#" + Substring(location.pointer.utf8.dropFirst(info.resourcePointer.utf8.count))
        let nodeIndex = nodes.count
        nodes.append(node)
        recordNode(nodeIndex, for: location, indexed ? info : nil)
        pending.append((nodeIndex, location, indexed ? info : nil))
        return nodeIndex
    }

    // MARK: - References

    private mutating func resolveReference(
        _ reference: String, info: LocationInfo, keywordLocation: @autoclosure () -> String
    ) throws(JSONSchemaError) -> SchemaLocation {
        let absolute = URIReference.resolve(reference, against: info.base)
        let (base, fragment) = URIReference.split(absolute)
        guard let root = try index.resource(base, dialect: info.dialect) else {
            throw JSONSchemaError(
                kind: .unresolvableReference, location: keywordLocation(),
                message: "cannot resolve reference \(reference) (\(absolute)): no schema is known at \(base)")
        }
        if fragment.isEmpty { return root }
        if fragment.utf8.first == UInt8(ascii: "/") {
            // A well-formed pointer's text is already its escaped form (every `~` followed by `0` or `1`).
            guard Self.isWellFormedPointer(fragment) else {
                throw JSONSchemaError(
                    kind: .unresolvableReference, location: keywordLocation(),
                    message: "cannot resolve reference \(reference): malformed JSON pointer")
            }
            let target = SchemaLocation(document: root.document, pointer: root.pointer + fragment)
            guard let value = index.value(at: target), value.objectValue != nil || value.boolValue != nil else {
                throw JSONSchemaError(
                    kind: .unresolvableReference, location: keywordLocation(),
                    message: "cannot resolve reference \(reference): no schema at \(fragment) in \(base)")
            }
            return target
        }
        guard let anchor = index.anchors[base + "#" + fragment] else {
            throw JSONSchemaError(
                kind: .unresolvableReference, location: keywordLocation(),
                message: "cannot resolve reference \(reference): no anchor '\(fragment)' in \(base)")
        }
        return anchor
    }

    /// Whether `text` is an RFC 6901 pointer: empty, or `/`-led with every `~` escaping `0` or `1`.
    static func isWellFormedPointer(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        guard let first = utf8.next() else { return true }
        guard first == UInt8(ascii: "/") else { return false }
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "~") {
                guard let escaped = utf8.next(), escaped == UInt8(ascii: "0") || escaped == UInt8(ascii: "1") else {
                    return false
                }
            }
        }
        return true
    }

    // MARK: - Keywords

    private func invalid(_ keywordLocation: String, _ message: String) -> JSONSchemaError {
        JSONSchemaError(kind: .invalidKeywordValue, location: keywordLocation, message: message)
    }

    private mutating func subschema(
        _ location: SchemaLocation, keywordLocation: @autoclosure () -> String
    ) throws(JSONSchemaError) -> Int {
        let (info, indexed) = try index.locationInfoAndPresence(location)
        if let existing = existingNode(location, indexed ? info : nil) { return existing }
        let value: JSONValue? = indexed ? info.value : nil
        guard let value, value.objectValue != nil || value.boolValue != nil else {
            throw JSONSchemaError(
                kind: .invalidSchema, location: keywordLocation(), message: "a subschema must be an object or a Boolean"
            )
        }
        return try newNode(for: location, info: info, indexed: indexed, referencedFrom: keywordLocation())
    }

    private func nonNegativeInteger(
        _ value: JSONValue, _ keywordLocation: @autoclosure () -> String, _ keyword: String
    ) throws(JSONSchemaError) -> Int {
        guard case .number(let number) = value, NumberSupport.isInteger(number),
            JSONNumberComparison.compare(number, JSONNumber(0)) >= 0
        else {
            throw invalid(keywordLocation(), "\(keyword) must be a non-negative integer")
        }
        return number.intValue ?? Int.max
    }

    private mutating func compileNode(
        at location: SchemaLocation, info: LocationInfo?, node: inout SchemaNode
    ) throws(JSONSchemaError) {
        guard let info else {
            throw JSONSchemaError(kind: .invalidSchema, location: node.location, message: "no schema at this location")
        }
        switch info.value {
        case .bool(let accept):
            node.isFalse = !accept
            node.isTrivial = accept
            return
        case .object(let object):
            try compileKeywords(SchemaMembers(object), location: location, info: info, node: &node)
            node.isTrivial =
                node.general.isEmpty && node.object.isEmpty && node.array.isEmpty && node.string.isEmpty
                && node.number.isEmpty
            return
        default:
            throw JSONSchemaError(
                kind: .invalidSchema, location: node.location,
                message: "a schema must be an object or a Boolean, not \(info.value.typeName())")
        }
    }

    private mutating func compileKeywords(
        _ object: SchemaMembers, location: SchemaLocation, info: LocationInfo, node: inout SchemaNode
    ) throws(JSONSchemaError) {
        let dialect = info.dialect
        let here = node.location
        func at(_ keyword: String) -> String { here + "/" + escapePointerToken(keyword) }

        if let ref = object[.ref] {
            guard let text = ref.stringValue else { throw invalid(at("$ref"), "$ref must be a string") }
            let target = try resolveReference(text, info: info, keywordLocation: at("$ref"))
            node.general.append(.ref(keyword: "$ref", target: try nodeIndex(for: target, referencedFrom: at("$ref"))))
            if dialect.refOverridesSiblings { return }
        }
        if dialect.draft == .draft2020, let ref = object[.dynamicRef] {
            guard let text = ref.stringValue else { throw invalid(at("$dynamicRef"), "$dynamicRef must be a string") }
            let target = try resolveReference(text, info: info, keywordLocation: at("$dynamicRef"))
            let fragment = URIReference.split(URIReference.resolve(text, against: info.base)).fragment
            var anchor: String?
            if !fragment.isEmpty, !fragment.hasPrefix("/"),
                let targetInfo = index.info(at: target), index.dynamicAnchors[targetInfo.resource]?[fragment] == target
            {
                anchor = fragment
                usesDynamicRef = true
            }
            node.general.append(
                .dynamicRef(target: try nodeIndex(for: target, referencedFrom: at("$dynamicRef")), anchor: anchor))
        }

        if dialect.validation {
            try compileValidation(object, dialect: dialect, at: at, node: &node)
        }
        if dialect.formatAssertion, let format = object[.format] {
            guard let name = format.stringValue else { throw invalid(at("format"), "format must be a string") }
            if let check = FormatChecker.checker(for: name) {
                node.string.append(.format(name: name, check: check))
            }
        }
        if dialect.applicator {
            try compileApplicators(object, location: location, dialect: dialect, at: at, node: &node)
        }
        if dialect.unevaluated, dialect.draft != .draft7 {
            if object.has(.unevaluatedProperties) {
                let child = try subschema(
                    location.appending("unevaluatedProperties"), keywordLocation: at("unevaluatedProperties"))
                node.object.append(.unevaluatedProperties(child))
                node.hasUnevaluated = true
            }
            if object.has(.unevaluatedItems) {
                let child = try subschema(
                    location.appending("unevaluatedItems"), keywordLocation: at("unevaluatedItems"))
                node.array.append(.unevaluatedItems(child))
                node.hasUnevaluated = true
            }
        }
    }

    private func compileValidation(
        _ object: SchemaMembers, dialect: Dialect, at: (String) -> String, node: inout SchemaNode
    ) throws(JSONSchemaError) {
        if let type = object[.type] {
            var names: [String] = []
            switch type {
            case .string(let name): names = [name]
            case .array(let elements):
                for element in elements {
                    guard let name = element.stringValue else {
                        throw invalid(at("type"), "type entries must be strings")
                    }
                    names.append(name)
                }
            default: throw invalid(at("type"), "type must be a string or an array of strings")
            }
            var mask: TypeMask = []
            for name in names {
                guard let bit = TypeMask.named(name) else { throw invalid(at("type"), "unknown type '\(name)'") }
                mask.insert(bit)
            }
            node.general.append(.type(mask, names: names))
        }
        if let values = object[.enum] {
            guard case .array(let elements) = values else { throw invalid(at("enum"), "enum must be an array") }
            node.general.append(.enumeration(elements))
        }
        if let value = object[.const] {
            node.general.append(.constant(value))
        }
        func number(_ keyword: SchemaKeyword) throws(JSONSchemaError) -> SchemaNumber? {
            guard let value = object[keyword] else { return nil }
            guard case .number(let number) = value else {
                throw invalid(at(keyword.name), "\(keyword.name) must be a number")
            }
            return SchemaNumber(number)
        }
        if let divisor = try number(.multipleOf) {
            guard let decimal = divisor.decimal, !decimal.negative, !decimal.digits.isEmpty else {
                throw invalid(at("multipleOf"), "multipleOf must be greater than 0")
            }
            node.number.append(.multipleOf(divisor))
        }
        let bounds: [(BoundKind, SchemaKeyword)] = [
            (.minimum, .minimum), (.maximum, .maximum), (.exclusiveMinimum, .exclusiveMinimum),
            (.exclusiveMaximum, .exclusiveMaximum),
        ]
        for (kind, keyword) in bounds {
            if let bound = try number(keyword) { node.number.append(.bound(kind, bound)) }
        }
        if let value = object[.minLength] {
            node.string.append(.minLength(try nonNegativeInteger(value, at("minLength"), "minLength")))
        }
        if let value = object[.maxLength] {
            node.string.append(.maxLength(try nonNegativeInteger(value, at("maxLength"), "maxLength")))
        }
        if let value = object[.pattern] {
            guard let source = value.stringValue else { throw invalid(at("pattern"), "pattern must be a string") }
            node.string.append(.pattern(try regex(source, at("pattern"))))
        }
        if dialect.draft == .draft7 {
            // Draft-07 lets implementations assert contentEncoding/contentMediaType; later drafts only annotate.
            let encoding = object[.contentEncoding]?.stringValue?.lowercased()
            let mediaType = object[.contentMediaType]?.stringValue?.lowercased()
            if encoding == "base64" || mediaType == "application/json" {
                node.string.append(.content(encoding: encoding, mediaType: mediaType))
            }
        }
        if let value = object[.minItems] {
            node.array.append(.minItems(try nonNegativeInteger(value, at("minItems"), "minItems")))
        }
        if let value = object[.maxItems] {
            node.array.append(.maxItems(try nonNegativeInteger(value, at("maxItems"), "maxItems")))
        }
        if let value = object[.uniqueItems] {
            guard let flag = value.boolValue else { throw invalid(at("uniqueItems"), "uniqueItems must be a Boolean") }
            if flag { node.array.append(.uniqueItems) }
        }
        if let value = object[.minProperties] {
            node.object.append(.minProperties(try nonNegativeInteger(value, at("minProperties"), "minProperties")))
        }
        if let value = object[.maxProperties] {
            node.object.append(.maxProperties(try nonNegativeInteger(value, at("maxProperties"), "maxProperties")))
        }
        if let value = object[.required] {
            node.object.append(.required(RequiredNames(try stringArray(value, at("required"), "required"))))
        }
        if dialect.draft != .draft7, let value = object[.dependentRequired] {
            guard case .object(let members) = value else {
                throw invalid(at("dependentRequired"), "dependentRequired must be an object")
            }
            var pairs: [(String, [String])] = []
            for (name, list) in members {
                pairs.append(
                    (
                        name,
                        try stringArray(
                            list, at("dependentRequired") + "/" + escapePointerToken(name), "dependentRequired")
                    ))
            }
            node.object.append(.dependentRequired(keyword: "dependentRequired", pairs))
        }
    }

    private func stringArray(
        _ value: JSONValue, _ location: @autoclosure () -> String, _ keyword: String
    ) throws(JSONSchemaError) -> [String] {
        guard case .array(let elements) = value else {
            throw invalid(location(), "\(keyword) must be an array of strings")
        }
        var result: [String] = []
        for element in elements {
            guard let name = element.stringValue else {
                throw invalid(location(), "\(keyword) must be an array of strings")
            }
            result.append(name)
        }
        return result
    }

    private func regex(_ source: String, _ location: @autoclosure () -> String) throws(JSONSchemaError) -> ECMARegex {
        do {
            return try ECMARegex.cached(source)
        } catch {
            throw JSONSchemaError(
                kind: .invalidRegularExpression, location: location(),
                message: "invalid regular expression /\(source)/: \(error.message)")
        }
    }

    private mutating func compileApplicators(
        _ object: SchemaMembers, location: SchemaLocation, dialect: Dialect, at: (String) -> String,
        node: inout SchemaNode
    ) throws(JSONSchemaError) {
        let isDraft7 = dialect.draft == .draft7
        func single(_ keyword: SchemaKeyword) throws(JSONSchemaError) -> Int? {
            guard object.has(keyword) else { return nil }
            return try subschema(location.appending(keyword.name), keywordLocation: at(keyword.name))
        }
        func list(_ keyword: SchemaKeyword) throws(JSONSchemaError) -> [Int]? {
            guard let value = object[keyword] else { return nil }
            guard case .array(let elements) = value, !elements.isEmpty || keyword == .prefixItems || keyword == .items
            else {
                throw invalid(at(keyword.name), "\(keyword.name) must be a non-empty array of schemas")
            }
            var result: [Int] = []
            result.reserveCapacity(elements.count)
            let listLocation = location.appending(keyword.name)
            for offset in elements.indices {
                result.append(
                    try subschema(listLocation.appending(String(offset)), keywordLocation: at(keyword.name)))
            }
            return result
        }
        func map(_ keyword: SchemaKeyword) throws(JSONSchemaError) -> [(String, Int)]? {
            guard let value = object[keyword] else { return nil }
            guard case .object(let members) = value else {
                throw invalid(at(keyword.name), "\(keyword.name) must be an object")
            }
            var result: [(String, Int)] = []
            result.reserveCapacity(members.count)
            let mapLocation = location.appending(keyword.name)
            for (name, _) in members {
                result.append((name, try subschema(mapLocation.appending(name), keywordLocation: at(keyword.name))))
            }
            return result
        }

        if let nodes = try list(.allOf) { node.general.append(.allOf(nodes)) }
        if let nodes = try list(.anyOf) { node.general.append(.anyOf(nodes)) }
        if let nodes = try list(.oneOf) { node.general.append(.oneOf(nodes)) }
        if let child = try single(.not) { node.general.append(.not(child)) }
        if let condition = try single(.if) {
            let then = try single(.then)
            let otherwise = try single(.else)
            // Without then/else, `if` still matters for its annotations (read by unevaluated*).
            node.general.append(.conditional(if: condition, then: then, else: otherwise))
        }

        // Objects.
        var properties = PropertiesApplicator()
        var hasProperties = false
        if let members = try map(.properties) {
            hasProperties = true
            properties.properties = PropertyNameTable(members)
        }
        if let value = object[.patternProperties] {
            guard case .object(let members) = value else {
                throw invalid(at("patternProperties"), "patternProperties must be an object")
            }
            hasProperties = true
            for (source, _) in members {
                let childLocation = location.appending("patternProperties").appending(source)
                let keywordLocation = at("patternProperties") + "/" + escapePointerToken(source)
                properties.patterns.append(
                    (try regex(source, keywordLocation), try subschema(childLocation, keywordLocation: keywordLocation))
                )
            }
        }
        if let child = try single(.additionalProperties) {
            hasProperties = true
            properties.additional = child
        }
        if hasProperties { node.object.append(.properties(properties)) }
        if let child = try single(.propertyNames) { node.object.append(.propertyNames(child)) }
        // `dependencies` is draft-07's; 2020-12 split it in two but still reads it for compatibility.
        do {
            if let value = object[.dependencies] {
                guard case .object(let members) = value else {
                    throw invalid(at("dependencies"), "dependencies must be an object")
                }
                var required: [(String, [String])] = []
                var schemas: [(String, Int)] = []
                for (name, member) in members {
                    let memberLocation = at("dependencies") + "/" + escapePointerToken(name)
                    if case .array = member {
                        required.append((name, try stringArray(member, memberLocation, "dependencies")))
                    } else {
                        schemas.append(
                            (
                                name,
                                try subschema(
                                    location.appending("dependencies").appending(name), keywordLocation: memberLocation)
                            ))
                    }
                }
                if !required.isEmpty { node.object.append(.dependentRequired(keyword: "dependencies", required)) }
                if !schemas.isEmpty { node.object.append(.dependentSchemas(keyword: "dependencies", schemas)) }
            }
        }
        if !isDraft7, let members = try map(.dependentSchemas) {
            node.object.append(.dependentSchemas(keyword: "dependentSchemas", members))
        }

        // Arrays.
        var items = ItemsApplicator()
        var hasItems = false
        if dialect.tupleItems {
            if let value = object[.items] {
                hasItems = true
                if case .array = value {
                    items.prefix = try list(.items) ?? []
                    items.prefixKeyword = "items"
                    if let rest = try single(.additionalItems) {
                        items.rest = rest
                        items.restKeyword = "additionalItems"
                    }
                } else {
                    items.rest = try single(.items)
                    items.restKeyword = "items"
                }
            }
        } else {
            if let prefix = try list(.prefixItems) {
                hasItems = true
                items.prefix = prefix
            }
            if let value = object[.items] {
                if case .array = value {
                    throw invalid(at("items"), "items must be a schema in draft 2020-12 (use prefixItems)")
                }
                hasItems = true
                items.rest = try single(.items)
            }
        }
        if hasItems { node.array.append(.items(items)) }
        if let child = try single(.contains) {
            var minimum = 1
            var maximum: Int?
            if !isDraft7, dialect.validation {
                if let value = object[.minContains] {
                    minimum = try nonNegativeInteger(value, at("minContains"), "minContains")
                }
                if let value = object[.maxContains] {
                    maximum = try nonNegativeInteger(value, at("maxContains"), "maxContains")
                }
            }
            node.array.append(.contains(node: child, min: minimum, max: maximum))
        }
    }
}
