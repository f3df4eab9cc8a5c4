import CardKitJSON
import OrderedCollections

/// A schema location: a document and an escaped JSON pointer inside it (internal).
struct SchemaLocation: Hashable, Sendable {
    var document: Int
    var pointer: String

    func appending(_ token: String) -> SchemaLocation {
        SchemaLocation(document: document, pointer: pointer + "/" + escapePointerToken(token))
    }
}

/// What the index knows about one subschema (internal).
///
/// A class: it is stored once by the index and handed around by the compiler many times per subschema, and a
/// reference costs one retain where a struct of three strings and a JSON value cost four.
final class LocationInfo: Sendable {
    /// The base URI for resolving references in this subschema.
    let base: String
    /// The URI of the enclosing schema resource.
    let resource: String
    /// The pointer of the resource's root within the document.
    let resourcePointer: String
    /// The dialect in force.
    let dialect: Dialect
    /// The subschema itself (a cheap copy-on-write reference into the document).
    let value: JSONValue
    /// The subschema's number within its document (dense from 0), so compilations can map subschemas to nodes
    /// with arrays instead of hashing pointers; -1 when not indexed.
    let ordinal: Int

    init(
        base: String, resource: String, resourcePointer: String, dialect: Dialect, value: JSONValue = .null,
        ordinal: Int = -1
    ) {
        self.base = base
        self.resource = resource
        self.resourcePointer = resourcePointer
        self.dialect = dialect
        self.value = value
        self.ordinal = ordinal
    }
}

/// What indexing one document (or one subtree of it) found, keyed by escaped JSON pointers within that
/// document (internal).
///
/// It depends only on the document, the URI it was retrieved from, the dialect it was reached with and the
/// registry, so the index of a registered document is computed once and shared by every compilation
/// (see ``SchemaRegistry``).
struct DocumentIndex: Sendable {
    /// Every subschema found, by pointer.
    var info: [String: LocationInfo] = Dictionary(minimumCapacity: 8)
    /// The ordinal the next subschema found gets.
    var nextOrdinal = 0
    /// Schema resources (`$id`) by URI: the first occurrence, or the document root.
    var resources: [(uri: String, pointer: String, isDocumentRoot: Bool)] = []
    /// `$anchor`s, `$dynamicAnchor`s and draft-07 fragment `$id`s by full URI, in the order met.
    var anchors: [(uri: String, pointer: String)] = []
    /// `$dynamicAnchor`s by resource URI, then anchor name, in the order met.
    var dynamicAnchors: [(resource: String, anchor: String, pointer: String)] = []
}

/// Every schema resource, anchor and subschema of the documents met while compiling (internal).
struct SchemaIndex {
    var documents: [JSONValue] = []
    /// Per document, the subschemas found by pointer.
    var infos: [[String: LocationInfo]] = []
    /// Per document, the number of ordinals given out (``LocationInfo/ordinal`` is below it).
    var ordinalCounts: [Int] = []
    var resources: [String: SchemaLocation] = [:]
    var anchors: [String: SchemaLocation] = [:]
    var dynamicAnchors: [String: [String: SchemaLocation]] = [:]
    let registry: SchemaRegistry
    let forceFormatAssertion: Bool

    init(registry: SchemaRegistry, forceFormatAssertion: Bool) {
        self.registry = registry
        self.forceFormatAssertion = forceFormatAssertion
    }

    /// What is known about a location, if it was indexed.
    func info(at location: SchemaLocation) -> LocationInfo? {
        guard location.document < infos.count else { return nil }
        return infos[location.document][location.pointer]
    }

    // MARK: - Documents

    /// Adds a document retrieved from `uri` and indexes all its subschemas.
    mutating func addDocument(_ value: JSONValue, uri: String, dialect: Dialect) throws(JSONSchemaError)
        -> SchemaLocation
    {
        var found = DocumentIndex()
        try walk(
            value, at: "", into: &found, base: uri, resource: uri, resourcePointer: "", dialect: dialect,
            isDocumentRoot: true)
        return add(value, uri: uri, indexed: found)
    }

    /// Adds a document whose index is already known.
    private mutating func add(_ value: JSONValue, uri: String, indexed: DocumentIndex) -> SchemaLocation {
        let document = documents.count
        documents.append(value)
        infos.append(indexed.info)
        ordinalCounts.append(indexed.nextOrdinal)
        let root = SchemaLocation(document: document, pointer: "")
        if resources[uri] == nil { resources[uri] = root }
        merge(indexed, document: document)
        return root
    }

    /// Merges the identifiers found in one document (or subtree) into the global maps.
    private mutating func merge(_ found: DocumentIndex, document: Int) {
        for entry in found.resources where entry.isDocumentRoot || resources[entry.uri] == nil {
            resources[entry.uri] = SchemaLocation(document: document, pointer: entry.pointer)
        }
        for entry in found.anchors {
            anchors[entry.uri] = SchemaLocation(document: document, pointer: entry.pointer)
        }
        for entry in found.dynamicAnchors {
            dynamicAnchors[entry.resource, default: [:]][entry.anchor] = SchemaLocation(
                document: document, pointer: entry.pointer)
        }
    }

    /// The value at a location, if it exists.
    func value(at location: SchemaLocation) -> JSONValue? {
        if let known = info(at: location) { return known.value }
        guard location.document < documents.count else { return nil }
        if location.pointer.isEmpty { return documents[location.document] }
        return JSONPointer(parsing: location.pointer)?.resolve(in: documents[location.document])
    }

    /// The location of the resource at `uri`, loading it from the registry when needed (indexed once per
    /// registry, dialect and format setting, and shared).
    mutating func resource(_ uri: String, dialect: Dialect) throws(JSONSchemaError) -> SchemaLocation? {
        if let location = resources[uri] { return location }
        guard let document = registry.document(at: uri) else { return nil }
        let key = SchemaRegistry.IndexKey(uri: uri, dialect: dialect, forceFormatAssertion: forceFormatAssertion)
        if let cached = registry.cache.index(for: key) {
            return add(document, uri: uri, indexed: cached)
        }
        var found = DocumentIndex()
        try walk(
            document, at: "", into: &found, base: uri, resource: uri, resourcePointer: "", dialect: dialect,
            isDocumentRoot: true)
        registry.cache.store(found, for: key)
        return add(document, uri: uri, indexed: found)
    }

    /// The info of a location (indexing it first when needed, as ``locationInfo(_:)`` does) and whether the
    /// location itself holds a value (`false`: the info is an ancestor's and nothing is there).
    mutating func locationInfoAndPresence(_ location: SchemaLocation) throws(JSONSchemaError) -> (LocationInfo, Bool) {
        if let known = info(at: location) { return (known, true) }
        let result = try locationInfo(location)
        return (result, info(at: location) != nil)
    }

    /// The info of a location, indexing it first when it lies outside the known subschemas (for example
    /// inside an unknown keyword).
    mutating func locationInfo(_ location: SchemaLocation) throws(JSONSchemaError) -> LocationInfo {
        if let known = info(at: location) { return known }
        var tokens = JSONPointer(parsing: location.pointer)?.tokens ?? []
        var ancestor: LocationInfo?
        while !tokens.isEmpty {
            tokens.removeLast()
            let candidate = SchemaLocation(
                document: location.document, pointer: JSONPointer(tokens: tokens).description)
            if let found = info(at: candidate) {
                ancestor = found
                break
            }
        }
        let parent = ancestor ?? LocationInfo(base: "", resource: "", resourcePointer: "", dialect: .draft2020)
        if let value = value(at: location), location.document < infos.count {
            var found = DocumentIndex()
            found.nextOrdinal = ordinalCounts[location.document]
            try walk(
                value, at: location.pointer, into: &found, base: parent.base, resource: parent.resource,
                resourcePointer: parent.resourcePointer, dialect: parent.dialect, isDocumentRoot: false)
            // Entries indexed before keep their ordinals (a node may already stand for them).
            for (pointer, entry) in found.info where infos[location.document][pointer] == nil {
                infos[location.document][pointer] = entry
            }
            ordinalCounts[location.document] = found.nextOrdinal
            merge(found, document: location.document)
        }
        return info(at: location) ?? parent
    }

    // MARK: - Dialects

    /// The dialect named by a `$schema` value.
    func dialect(forMetaSchema uri: String, at location: String, depth: Int = 0) throws(JSONSchemaError) -> Dialect {
        let key = URIReference.normalized(uri)
        var result: Dialect
        if let builtin = JSONSchemaDialect(metaSchemaURI: key) {
            result = Dialect(builtin)
        } else if key == "https://json-schema.org/draft/2019-09/schema" {
            result = .draft2019
        } else if key == "http://json-schema.org/draft-06/schema" || key == "http://json-schema.org/draft-04/schema" {
            result = .draft7
        } else if let meta = registry.document(at: key), depth < 8 {
            var base = Dialect.draft2020
            if let parent = meta["$schema"]?.stringValue, URIReference.normalized(parent) != key {
                base = try dialect(forMetaSchema: parent, at: location, depth: depth + 1)
            }
            result = base
            if case .object(let vocabularies) = meta["$vocabulary"] ?? .null {
                result.applicator = false
                result.validation = false
                result.unevaluated = false
                result.formatAssertion = false
                for (vocabulary, required) in vocabularies {
                    let name = vocabulary.split(separator: "/").last.map(String.init) ?? ""
                    let known =
                        vocabulary.hasPrefix("https://json-schema.org/draft/2020-12/vocab/")
                        || vocabulary.hasPrefix("https://json-schema.org/draft/2019-09/vocab/")
                    switch (known, name) {
                    case (true, "applicator"): result.applicator = true
                    case (true, "validation"): result.validation = true
                    case (true, "unevaluated"): result.unevaluated = true
                    case (true, "format-assertion"): result.formatAssertion = true
                    case (true, "core"), (true, "meta-data"), (true, "format-annotation"), (true, "content"),
                        (true, "format"):
                        break
                    default:
                        if required == .bool(true) {
                            throw JSONSchemaError(
                                kind: .unsupportedVocabulary, location: location,
                                message: "the meta-schema \(key) requires the unsupported vocabulary \(vocabulary)")
                        }
                    }
                }
            }
        } else {
            throw JSONSchemaError(
                kind: .unresolvableReference, location: location,
                message: "unknown $schema \(uri): not a supported dialect and not registered")
        }
        if forceFormatAssertion { result.formatAssertion = true }
        return result
    }

    // MARK: - Walking

    /// How a keyword holds subschemas in the dialect at hand.
    private enum ChildShape {
        case none, single, map, array
    }

    /// Every keyword that can hold a subschema in some dialect.
    private static let schemaBearing: UInt64 = {
        let keywords: [SchemaKeyword] = [
            .additionalProperties, .propertyNames, .contains, .not, .if, .then, .else, .items, .additionalItems,
            .unevaluatedItems, .unevaluatedProperties, .contentSchema, .properties, .patternProperties, .dependencies,
            .defs, .dependentSchemas, .definitions, .allOf, .anyOf, .oneOf, .prefixItems,
        ]
        var mask: UInt64 = 0
        for keyword in keywords { mask |= 1 << UInt64(keyword.rawValue) }
        return mask
    }()

    private func walk(
        _ value: JSONValue, at pointer: String, into found: inout DocumentIndex, base: String, resource: String,
        resourcePointer: String, dialect: Dialect, isDocumentRoot: Bool
    ) throws(JSONSchemaError) {
        guard case .object(let members) = value else {
            if found.info[pointer] == nil {
                found.info[pointer] = LocationInfo(
                    base: base, resource: resource, resourcePointer: resourcePointer, dialect: dialect, value: value,
                    ordinal: found.nextOrdinal)
                found.nextOrdinal += 1
            }
            return
        }
        let object = SchemaMembers(members)
        var base = base
        var resource = resource
        var resourcePointer = resourcePointer
        var dialect = dialect

        // `$schema` applies at a resource root: the document root or a subschema with `$id`.
        let idValue = object[.id]?.stringValue
        if let schemaURI = object[.schema]?.stringValue, isDocumentRoot || (idValue.map { !$0.hasPrefix("#") } ?? false)
        {
            let displayLocation = resource + "#" + pointer.dropFirst(resourcePointer.count)
            dialect = try self.dialect(forMetaSchema: schemaURI, at: displayLocation + "/$schema")
        } else if isDocumentRoot, forceFormatAssertion {
            dialect.formatAssertion = true
        }
        let idIgnored = dialect.refOverridesSiblings && object.has(.ref)
        if let id = idValue, !idIgnored {
            let resolved = URIReference.resolve(id, against: base)
            let (idBase, fragment) = URIReference.split(resolved)
            if dialect.draft == .draft7 && id.hasPrefix("#") {
                found.anchors.append((base + "#" + fragment, pointer))
            } else {
                base = idBase
                resource = idBase
                resourcePointer = pointer
                found.resources.append((idBase, pointer, isDocumentRoot))
                if dialect.draft == .draft7, !fragment.isEmpty, !fragment.hasPrefix("/") {
                    found.anchors.append((idBase + "#" + fragment, pointer))
                }
            }
        }
        if dialect.draft != .draft7 {
            if let anchor = object[.anchor]?.stringValue {
                found.anchors.append((base + "#" + anchor, pointer))
            }
            if let anchor = object[.dynamicAnchor]?.stringValue {
                found.anchors.append((base + "#" + anchor, pointer))
                found.dynamicAnchors.append((resource, anchor, pointer))
            }
        }
        found.info[pointer] = LocationInfo(
            base: base, resource: resource, resourcePointer: resourcePointer, dialect: dialect, value: value,
            ordinal: found.nextOrdinal)
        found.nextOrdinal += 1

        guard object.present & Self.schemaBearing != 0 else { return }
        let isDraft7 = dialect.draft == .draft7
        let isDraft2019 = dialect.draft == .draft2019
        for (name, child) in members {
            guard let keyword = SchemaKeyword(name: name), object.has(keyword) else { continue }
            let shape: ChildShape
            switch keyword {
            case .additionalProperties, .propertyNames, .contains, .not, .if, .then, .else:
                shape = .single
            case .items:
                shape = isDraft7 || isDraft2019 ? (child.arrayValue != nil ? .array : .single) : .single
            case .additionalItems:
                shape = isDraft7 || isDraft2019 ? .single : .none
            case .unevaluatedItems, .unevaluatedProperties, .contentSchema:
                shape = isDraft7 ? .none : .single
            case .properties, .patternProperties, .dependencies:
                shape = .map
            case .defs, .dependentSchemas:
                shape = isDraft7 ? .none : .map
            case .definitions:
                shape = isDraft7 ? .map : .none
            case .allOf, .anyOf, .oneOf:
                shape = .array
            case .prefixItems:
                shape = isDraft7 ? .none : .array
            default:
                shape = .none
            }
            switch shape {
            case .none:
                continue
            case .single:
                guard child.objectValue != nil || child.boolValue != nil else { continue }
                try walk(
                    child, at: pointer + "/" + escapePointerToken(name), into: &found, base: base, resource: resource,
                    resourcePointer: resourcePointer, dialect: dialect, isDocumentRoot: false)
            case .map:
                guard case .object(let entries) = child else { continue }
                let childPointer = pointer + "/" + escapePointerToken(name) + "/"
                for (entryName, entry) in entries where entry.objectValue != nil || entry.boolValue != nil {
                    try walk(
                        entry, at: childPointer + escapePointerToken(entryName), into: &found, base: base,
                        resource: resource, resourcePointer: resourcePointer, dialect: dialect, isDocumentRoot: false)
                }
            case .array:
                guard case .array(let elements) = child else { continue }
                let childPointer = pointer + "/" + escapePointerToken(name) + "/"
                for (offset, element) in elements.enumerated() {
                    try walk(
                        element, at: childPointer + String(offset), into: &found, base: base, resource: resource,
                        resourcePointer: resourcePointer, dialect: dialect, isDocumentRoot: false)
                }
            }
        }
    }
}
