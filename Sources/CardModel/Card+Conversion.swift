import CardKitJSON
import OrderedCollections

/// Options for ``Card/converted(to:options:)``.
public struct CardConversionOptions: Sendable, Hashable {
    /// Also write the six V1 fields at the root of a V2/V3 card, as SillyTavern does for older readers.
    public var withV1Fields: Bool = false

    /// Creates options with the defaults.
    public init(withV1Fields: Bool = false) { self.withV1Fields = withV1Fields }
}

/// The result of a spec conversion: the new card and every repair, move and loss it involved.
public struct CardConversion: Sendable, Hashable {
    /// The converted card.
    public var card: Card
    /// What was repaired (warnings), moved (notes) or lost (warnings with code `lost-field`).
    public var diagnostics: [Diagnostic]
}

extension Card {
    /// Converts the card to another spec (or normalizes it within its own spec).
    ///
    /// - Upgrades follow the V3 spec: missing required fields get their defaults, wrong types are
    ///   coerced (each reported), unknown keys are kept in place.
    /// - A V3 → V2 downgrade keeps the V3-only fields (assets, nickname, creator_notes_multilingual,
    ///   source, group_only_greetings, dates) under `data.extensions.cardkit_v3`, with the original key
    ///   order, so a later upgrade restores the V3 card exactly.
    /// - A downgrade to V1 reports every field V1 cannot hold.
    /// - Parameters:
    ///   - target: The spec to produce.
    ///   - options: Whether to repeat the V1 fields at the root.
    /// - Returns: The new card and its diagnostics.
    public func converted(to target: CardSpec, options: CardConversionOptions = .init()) -> CardConversion {
        var normalizer = CardNormalizer()
        var (source, extras) = splitFieldsAndExtras()
        var diagnostics: [Diagnostic] = []
        let fieldsPointer = self.fieldsPointer
        if target == .v3 { source = Self.restoreV3Stash(source, diagnostics: &diagnostics, at: fieldsPointer) }
        var data = normalizer.normalizeFields(
            source, at: fieldsPointer, target: target == .v1 ? .v2 : target, sourceSpec: spec)
        diagnostics = normalizer.diagnostics + diagnostics
        if target == .v3, let order = source[Self.keyOrderMarker]?.arrayValue {
            data.removeValue(forKey: Self.keyOrderMarker)
            data = Self.reordered(data, by: order.compactMap { $0.stringValue })
        }
        switch target {
        case .v1:
            return CardConversion(
                card: Self.makeV1(data: data, extras: extras, diagnostics: &diagnostics), diagnostics: diagnostics)
        case .v2:
            data = Self.stashV3Fields(data, diagnostics: &diagnostics, at: fieldsPointer)
        case .v3:
            break
        }
        var root = JSONObject()
        if options.withV1Fields {
            for field in CardFields.v1 { root[field] = data[field] ?? .string("") }
        } else if shape.hasDataObject, CardFields.v1.contains(where: { document[$0] != nil }) {
            diagnostics.append(
                Diagnostic(
                    .note, code: .rootV1FieldsDropped, pointer: JSONPointer(),
                    "the root copies of the V1 fields were not written (use --with-v1-fields to keep them)"))
        }
        root["spec"] = .string(target.specIdentifier ?? "")
        root["spec_version"] = .string(target.specVersion ?? "")
        root["data"] = .object(data)
        for (key, value) in extras where root[key] == nil { root[key] = value }
        if shape.hasDataObject {
            root = Self.reordered(
                root, by: Array(document.keys), keepingFirst: options.withV1Fields ? CardFields.v1 : [])
        }
        return CardConversion(card: Card(document: root, shape: target == .v3 ? .v3 : .v2), diagnostics: diagnostics)
    }

    // MARK: - Pieces

    private static let keyOrderMarker = "\u{0}cardkit-key-order"

    /// The card fields (as a V2/V3 `data` source) and the other root keys, each in source order.
    private func splitFieldsAndExtras() -> (JSONObject, JSONObject) {
        var extras = JSONObject()
        switch shape {
        case .v2, .v3, .unknownSpec:
            for (key, value) in document
            where !["spec", "spec_version", "data"].contains(key) && !CardFields.v1.contains(key) {
                extras[key] = value
            }
            return (fields, extras)
        case .flatV2:
            var source = JSONObject()
            let known = Set(CardFields.v2 + CardFields.v3Only)
            for (key, value) in document {
                if known.contains(key) {
                    source[key] = value
                } else if key != "spec" && key != "spec_version" {
                    extras[key] = value
                }
            }
            return (source, extras)
        case .v1:
            var source = JSONObject()
            for (key, value) in document {
                if CardFields.v1.contains(key) { source[key] = value } else { extras[key] = value }
            }
            if let comment = document["creatorcomment"] { source["creator_notes"] = comment }
            if let tags = document["tags"] { source["tags"] = tags }
            return (source, extras)
        }
    }

    /// Moves the V3-only fields into `extensions.cardkit_v3`, recording the key order.
    private static func stashV3Fields(_ data: JSONObject, diagnostics: inout [Diagnostic], at base: JSONPointer)
        -> JSONObject
    {
        var data = data
        var stashed = JSONObject()
        let order = Array(data.keys)
        for field in CardFields.v3Only {
            if let value = data.removeValue(forKey: field) { stashed[field] = value }
        }
        guard !stashed.isEmpty else { return data }
        var extensions = data["extensions"]?.objectValue ?? JSONObject()
        extensions[CardFields.v3StashKey] = .object([
            "fields": .object(stashed), "key_order": .array(order.map { .string($0) }),
        ])
        data["extensions"] = .object(extensions)
        diagnostics.append(
            Diagnostic(
                .note, code: .v3FieldsKept, pointer: base.appending("extensions").appending(CardFields.v3StashKey),
                "V3-only fields kept under extensions.\(CardFields.v3StashKey): \(stashed.keys.joined(separator: ", "))"
            ))
        return data
    }

    /// Restores fields a V2 downgrade kept under `extensions.cardkit_v3`.
    private static func restoreV3Stash(_ data: JSONObject, diagnostics: inout [Diagnostic], at base: JSONPointer)
        -> JSONObject
    {
        guard var extensions = data["extensions"]?.objectValue,
            let stash = extensions[CardFields.v3StashKey]?.objectValue,
            let fields = stash["fields"]?.objectValue
        else { return data }
        var data = data
        extensions.removeValue(forKey: CardFields.v3StashKey)
        data["extensions"] = .object(extensions)
        for (key, value) in fields where data[key] == nil { data[key] = value }
        if let order = stash["key_order"] { data[keyOrderMarker] = order }
        diagnostics.append(
            Diagnostic(
                .note, code: .v3FieldsRestored,
                pointer: base.appending("extensions").appending(CardFields.v3StashKey),
                "V3-only fields restored from extensions.\(CardFields.v3StashKey): \(fields.keys.joined(separator: ", "))"
            ))
        return data
    }

    /// `object` with keys named in `order` first, in that order, then the rest in their order.
    private static func reordered(_ object: JSONObject, by order: [String], keepingFirst first: [String] = [])
        -> JSONObject
    {
        var result = JSONObject()
        for key in first { if let value = object[key] { result[key] = value } }
        for key in order where result[key] == nil { if let value = object[key] { result[key] = value } }
        for (key, value) in object where result[key] == nil { result[key] = value }
        return result
    }

    /// Builds a V1 card, reporting every V2/V3 field V1 cannot hold.
    private static func makeV1(data: JSONObject, extras: JSONObject, diagnostics: inout [Diagnostic]) -> Card {
        var root = JSONObject()
        for field in CardFields.v1 { root[field] = data[field] ?? .string("") }
        for (key, value) in extras where root[key] == nil { root[key] = value }
        if let notes = data["creator_notes"]?.stringValue, !notes.isEmpty, root["creatorcomment"] == nil {
            root["creatorcomment"] = .string(notes)
        }
        if let tags = data["tags"], tags != .array([]), root["tags"] == nil { root["tags"] = tags }
        let carried: Set<String> = Set(CardFields.v1 + ["creator_notes", "tags"])
        for (key, value) in data where !carried.contains(key) {
            let empty = value == .string("") || value == .array([]) || value == .object(JSONObject())
            guard !empty else { continue }
            diagnostics.append(
                Diagnostic(
                    .warning, code: .lostField, pointer: JSONPointer(tokens: ["data", key]),
                    "V1 has no place for `\(key)`; it is not in the output"))
        }
        return Card(document: root, shape: .v1)
    }
}
