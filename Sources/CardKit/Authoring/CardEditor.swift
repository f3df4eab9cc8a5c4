import CardFormats
package import CardKitJSON
package import CardModel
import CardPNG
package import Foundation
import OrderedCollections

/// One change to make to a card, addressed in its V3 form.
package enum CardEdit: Sendable, Hashable {
    /// Sets a text field: a card field name (`first_mes`, `extensions.depth_prompt.prompt`) or a JSON Pointer into
    /// the V3 card (`/data/character_book/entries/0/content`).
    case set(field: String, text: String)
    /// Sets a field to a JSON value.
    case setJSON(field: String, value: JSONValue)
    /// Removes a field (nothing happens when it is absent).
    case unset(field: String)
    /// Appends a tag unless the card has it.
    case addTag(String)
    /// Removes every copy of a tag.
    case removeTag(String)
    /// Applies an RFC 6902 patch to the V3 card; `source` names it in messages (`fix.json`, `-`).
    case patch(JSONPatch, source: String)
}

/// How ``CardEditor`` reads its input and stamps its output.
package struct CardEditOptions: Sendable {
    /// How the input is read.
    package var load: CardLoadOptions = CardLoadOptions()
    /// The time written to `data.modification_date` when the card changed; `nil` leaves the date alone.
    package var now: Date? = Date()

    /// The defaults: lenient reading, the date stamped with the current time.
    package init() {}
}

/// What editing one card gave.
package struct CardEditResult: Sendable {
    /// Whether the edits changed the card (the V3 value); when false, nothing should be written.
    package var changed: Bool
    /// The new file, in the input's container (the input's bytes when nothing changed).
    package var bytes: [UInt8]
    /// The container's file extension (`json`, `png`, `charx`).
    package var fileExtension: String
    /// The edited card, as V3.
    package var card: Card
    /// Notes about the output (a V1 card written as V2, the PNG's re-embedded chunks).
    package var diagnostics: [Diagnostic]
}

/// Changes a card in any container and writes it back into the same container.
///
/// Pipeline:
/// 1. Read the card (``AuthoringSource``) and take its V3 value.
/// 2. Apply the edits in order: every field name becomes a JSON Pointer under `/data`; `set`, `unset` and tag edits
///    check the field's type, a patch applies whole or not at all.
/// 3. When the V3 value changed, stamp `data.modification_date` (Unix seconds) if the output holds a V3 card or the
///    card already had a date, and the edits did not set the date themselves.
/// 4. Write the container back: JSON in the input's spec and layout (a V1 or flat V2 card becomes V2 with the V1
///    fields at the root, as SillyTavern's editor does), PNG re-embedded into the same image (every other chunk
///    and the asset chunks kept; `chara` and `ccv3` written when the input had them), CharX with every file kept.
package enum CardEditor {
    /// Edits the card in a file's bytes.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - path: The name used in messages.
    ///   - edits: The changes, applied in order.
    ///   - options: Reading options and the time stamp.
    /// - Returns: The new file and whether anything changed.
    /// - Throws: ``CardAuthoringError`` naming `path` and, for a field, its pointer.
    package static func edit(data: Data, path: String, edits: [CardEdit], options: CardEditOptions = .init())
        throws(CardAuthoringError) -> CardEditResult
    {
        let source = try AuthoringSource.load(data: data, path: path, options: options.load)
        if source.loaded.container == .yaml {
            throw CardAuthoringError(
                path: path, kind: .unsupportedContainer,
                reason: "a YAML character cannot be written back; convert it to JSON first")
        }
        if let charx = source.charx, charx.zipOffset != 0 {
            throw CardAuthoringError(
                path: path, kind: .unsupportedContainer,
                reason: "the CharX is appended to another file (at byte \(charx.zipOffset)); convert it to .charx first"
            )
        }
        let original = source.v3.json
        var edited = try apply(edits, to: original, path: path)
        let fileExtension = source.loaded.container == .charx ? "charx" : source.loaded.container.rawValue
        guard edited != original else {
            return CardEditResult(
                changed: false, bytes: [UInt8](data), fileExtension: fileExtension, card: source.v3, diagnostics: [])
        }
        let datePointer = JSONPointer(tokens: ["data", "modification_date"])
        let holdsV3 =
            switch source.loaded.container {
            case .charx: true
            case .png: source.loaded.pngScan?.cardChunks.contains { $0.role == .ccv3 } ?? false
            case .json, .yaml: source.loaded.card.shape == .v3
            }
        if let now = options.now, datePointer.resolve(in: edited) == datePointer.resolve(in: original),
            holdsV3 || datePointer.resolve(in: original) != nil
        {
            edited["data"]?["modification_date"] = .number(JSONNumber(Int(now.timeIntervalSince1970)))
        }
        guard case .object(let root) = edited else {
            throw CardAuthoringError(path: path, kind: .wrongType, reason: "the card is no longer a JSON object")
        }
        let card = Card(document: root, shape: .v3)
        var diagnostics: [Diagnostic] = []
        let bytes: [UInt8]
        switch source.loaded.container {
        case .json, .yaml:
            let rendered = render(card, like: source.loaded.card, before: source.v3, diagnostics: &diagnostics)
            let layout = JSONLayout(of: source.loaded.storedJSON)
            bytes = JSONWriter.bytes(rendered, style: layout.style) + (layout.trailingNewline ? [0x0A] : [])
        case .png:
            bytes = try embed(card, source: source, options: options, diagnostics: &diagnostics)
        case .charx:
            do {
                bytes = [UInt8](try CharXWriter.write(card: card, files: source.charx?.files ?? []))
            } catch {
                throw CardAuthoringError(path: path, kind: .cannotWrite, reason: error.description)
            }
        }
        return CardEditResult(
            changed: true, bytes: bytes, fileExtension: fileExtension, card: card, diagnostics: diagnostics)
    }

    /// Reads a card file and edits it.
    ///
    /// - Parameters:
    ///   - input: The file.
    ///   - edits: The changes, applied in order.
    ///   - options: Reading options and the time stamp.
    /// - Returns: The new file and whether anything changed.
    /// - Throws: ``CardAuthoringError`` naming the file.
    package static func edit(_ input: CardInput, edits: [CardEdit], options: CardEditOptions = .init())
        throws(CardAuthoringError) -> CardEditResult
    {
        let data: Data
        do {
            data = try input.read(limit: options.load.maxFileSize)
        } catch {
            throw CardAuthoringError(error)
        }
        return try edit(data: data, path: input.path, edits: edits, options: options)
    }

    // MARK: - Fields

    /// The JSON Pointer a field name stands for: `/data/<name>` with dots as levels, or the pointer itself.
    ///
    /// - Parameters:
    ///   - field: A card field name (`name`, `extensions.depth_prompt.prompt`) or a JSON Pointer (`/data/name`).
    ///   - path: The file named in an error.
    /// - Returns: The pointer into the V3 card.
    /// - Throws: ``CardAuthoringError`` of kind `unknownField`.
    package static func pointer(forField field: String, path: String) throws(CardAuthoringError) -> JSONPointer {
        if field.hasPrefix("/") {
            guard let pointer = JSONPointer(parsing: field) else {
                throw CardAuthoringError(path: path, kind: .unknownField, reason: "`\(field)` is not a JSON Pointer")
            }
            return pointer
        }
        let components = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = components.first, !first.isEmpty, !components.contains("") else {
            throw CardAuthoringError(
                path: path, kind: .unknownField, reason: "`\(field)` is not a field name (for example first_mes)")
        }
        guard knownFields.contains(first) else {
            throw CardAuthoringError(
                path: path, kind: .unknownField,
                reason:
                    "unknown field `\(first)`; a card field is one of \(knownFields.joined(separator: ", ")), or give a JSON Pointer such as /data/\(first)"
            )
        }
        return JSONPointer(tokens: ["data"] + components)
    }

    /// Every field of V3 `data`, in spec order.
    package static let knownFields: [String] = CardFields.v2 + CardFields.v3Only

    /// The fields V3 requires in `data`, which `unset` refuses to remove.
    package static let requiredFields: Set<String> = Set(
        CardFields.v2.filter { $0 != "character_book" } + ["group_only_greetings"])

    /// The JSON type a top-level field of `data` must have, or `nil` for any.
    private static func expectedType(of pointer: JSONPointer) -> String? {
        guard pointer.tokens.count == 2, pointer.tokens[0] == "data" else { return nil }
        let field = pointer.tokens[1]
        if CardFields.v2Strings.contains(field) || field == "nickname" { return "string" }
        if CardFields.stringArrays.contains(field) { return "array of strings" }
        switch field {
        case "extensions", "character_book", "creator_notes_multilingual": return "object"
        case "assets": return "array"
        case "creation_date", "modification_date": return "number"
        default: return nil
        }
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .array(let items) where items.allSatisfy { $0.stringValue != nil }: "an array of strings"
        case .array: "an array"
        case .object: "an object"
        case .string, .rawString: "text"
        case .number: "a number"
        case .bool: "a Boolean"
        case .null: "null"
        }
    }

    private static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch type {
        case "string": value.stringValue != nil
        case "array of strings": value.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false
        case "object": value.objectValue != nil
        case "array": value.arrayValue != nil
        case "number": value.numberValue != nil
        default: true
        }
    }

    private static func typeWord(_ type: String) -> String {
        switch type {
        case "string": "text"
        case "array of strings": "an array of strings"
        case "object": "an object"
        case "array": "an array"
        case "number": "a number"
        default: type
        }
    }

    // MARK: - Applying

    /// Applies edits to a V3 card value.
    ///
    /// - Parameters:
    ///   - edits: The changes, in order.
    ///   - card: The V3 card value.
    ///   - path: The file named in errors.
    /// - Returns: The edited value.
    /// - Throws: ``CardAuthoringError`` naming the field and why.
    package static func apply(_ edits: [CardEdit], to card: JSONValue, path: String) throws(CardAuthoringError)
        -> JSONValue
    {
        var value = card
        for edit in edits {
            switch edit {
            case .set(let field, let text):
                let pointer = try self.pointer(forField: field, path: path)
                if let type = expectedType(of: pointer), type != "string" {
                    throw CardAuthoringError(
                        path: path, kind: .wrongType, pointer: pointer,
                        reason: "`\(field)` is \(typeWord(type)), not text; set it as JSON")
                }
                if let existing = pointer.resolve(in: value), existing.stringValue == nil {
                    throw CardAuthoringError(
                        path: path, kind: .wrongType, pointer: pointer,
                        reason: "`\(field)` holds \(describe(existing)), not text; set it as JSON")
                }
                value = try put(.string(text), at: pointer, in: value, field: field, path: path)
            case .setJSON(let field, let json):
                let pointer = try self.pointer(forField: field, path: path)
                if let type = expectedType(of: pointer), !matches(json, type) {
                    throw CardAuthoringError(
                        path: path, kind: .wrongType, pointer: pointer,
                        reason: "`\(field)` must be \(typeWord(type)), not \(describe(json))")
                }
                value = try put(json, at: pointer, in: value, field: field, path: path)
            case .unset(let field):
                let pointer = try self.pointer(forField: field, path: path)
                if pointer.tokens.count == 2, pointer.tokens[0] == "data", requiredFields.contains(pointer.tokens[1]) {
                    throw CardAuthoringError(
                        path: path, kind: .requiredField, pointer: pointer,
                        reason: "`\(field)` is required by the V3 spec and cannot be removed; set it to an empty value")
                }
                if pointer.tokens.isEmpty || pointer == JSONPointer(tokens: ["data"]) {
                    throw CardAuthoringError(
                        path: path, kind: .requiredField, pointer: pointer, reason: "the card itself cannot be removed")
                }
                guard pointer.resolve(in: value) != nil else { continue }
                do {
                    value = try JSONPatch(operations: [.remove(path: pointer)]).apply(to: value)
                } catch {
                    throw CardAuthoringError(path: path, kind: .patchFailed, pointer: pointer, reason: error.reason)
                }
            case .addTag(let tag):
                var tags = try currentTags(in: value, path: path)
                guard !tags.contains(tag) else { continue }
                tags.append(tag)
                value["data"]?["tags"] = .array(tags.map { .string($0) })
            case .removeTag(let tag):
                let tags = try currentTags(in: value, path: path)
                guard tags.contains(tag) else { continue }
                value["data"]?["tags"] = .array(tags.filter { $0 != tag }.map { .string($0) })
            case .patch(let patch, let source):
                do {
                    value = try patch.apply(to: value)
                } catch {
                    throw CardAuthoringError(path: path, kind: .patchFailed, reason: "the patch \(source): \(error)")
                }
                try checkShape(value, against: card, path: path, what: "the patch \(source)")
            }
        }
        try checkShape(value, against: card, path: path, what: "the edit")
        return value
    }

    private static func currentTags(in value: JSONValue, path: String) throws(CardAuthoringError) -> [String] {
        guard let tags = value["data"]?["tags"] else { return [] }
        guard let array = tags.arrayValue, array.allSatisfy({ $0.stringValue != nil }) else {
            throw CardAuthoringError(
                path: path, kind: .wrongType, pointer: JSONPointer(tokens: ["data", "tags"]),
                reason: "`tags` holds \(describe(tags)), not an array of strings")
        }
        return array.compactMap(\.stringValue)
    }

    /// Checks that a patched card is still a card: `data` an object, and every top-level field it changed of the
    /// right type.
    private static func checkShape(_ value: JSONValue, against before: JSONValue, path: String, what: String)
        throws(CardAuthoringError)
    {
        guard let data = value["data"]?.objectValue else {
            throw CardAuthoringError(
                path: path, kind: .wrongType, pointer: JSONPointer(tokens: ["data"]),
                reason: "\(what) leaves no `data` object")
        }
        for (field, fieldValue) in data where before["data"]?[field] != fieldValue {
            let pointer = JSONPointer(tokens: ["data", field])
            if let type = expectedType(of: pointer), !matches(fieldValue, type) {
                throw CardAuthoringError(
                    path: path, kind: .wrongType, pointer: pointer,
                    reason: "\(what) makes `\(field)` \(describe(fieldValue)); it must be \(typeWord(type))")
            }
        }
    }

    /// Sets `new` at `pointer`, creating missing objects on the way; `-` as the last token appends to an array.
    private static func put(_ new: JSONValue, at pointer: JSONPointer, in value: JSONValue, field: String, path: String)
        throws(CardAuthoringError) -> JSONValue
    {
        if pointer.tokens.isEmpty {
            throw CardAuthoringError(path: path, kind: .unknownField, reason: "the whole card cannot be set as a field")
        }
        var failure: String? = nil
        let result = put(new, at: pointer.tokens[...], in: value, failure: &failure)
        if let failure {
            throw CardAuthoringError(path: path, kind: .wrongType, pointer: pointer, reason: "`\(field)`: \(failure)")
        }
        return result
    }

    private static func put(
        _ new: JSONValue, at tokens: ArraySlice<String>, in current: JSONValue?, failure: inout String?
    ) -> JSONValue {
        guard let token = tokens.first else { return new }
        switch current ?? .object(JSONObject()) {
        case .object(var object):
            object[token] = put(new, at: tokens.dropFirst(), in: object[token], failure: &failure)
            return .object(object)
        case .array(var array):
            if token == "-", tokens.count == 1 {
                array.append(new)
            } else if let index = Int(token), String(index) == token, array.indices.contains(index) {
                array[index] = put(new, at: tokens.dropFirst(), in: array[index], failure: &failure)
            } else {
                failure = "the index \(token) is outside the array of \(array.count)"
            }
            return .array(array)
        case let other:
            failure = "cannot set a value inside \(describe(other))"
            return other
        }
    }

    // MARK: - Writing back

    /// The edited V3 card in the shape of the input card: its spec strings, and the root copies of the six V1 fields
    /// where the input had them, updated only where the edit changed the field (`tags` and `creatorcomment` at the
    /// root are kept as they were, like any other root key).
    static func render(_ edited: Card, like original: Card, before: Card, diagnostics: inout [Diagnostic])
        -> JSONValue
    {
        var root = edited.document
        switch original.shape {
        case .v3:
            break
        case .v2, .unknownSpec:
            root["spec"] = original.document["spec"] ?? .string("chara_card_v2")
            root["spec_version"] = original.document["spec_version"] ?? .string("2.0")
        case .v1, .flatV2:
            root["spec"] = .string("chara_card_v2")
            root["spec_version"] = .string("2.0")
            diagnostics.append(
                Diagnostic(
                    .note, code: .upgradeDefault, pointer: JSONPointer(tokens: ["spec"]),
                    "the \(original.shape) card is written as V2 with the V1 fields at the root, as SillyTavern's editor does"
                ))
        }
        let copies = Set(CardFields.v1)
        let hasCopies = original.document.keys.contains { CardFields.v1.contains($0) }
        guard hasCopies else { return .object(root) }
        let newData = edited.fields
        let oldData = before.fields
        var result = JSONObject()
        for key in original.document.keys {
            if copies.contains(key) {
                let field = key
                if newData[field] != oldData[field] {
                    if let value = newData[field] { result[key] = value }
                } else if let value = root[key] ?? original.document[key] {
                    result[key] = value
                }
            } else if let value = root[key] {
                result[key] = value
            }
        }
        for (key, value) in root where result[key] == nil { result[key] = value }
        return .object(result)
    }

    /// The edited card embedded into the input PNG: `chara` (in the spec the input's `chara` had) and `ccv3`, each
    /// written when the input had it; every other chunk, the asset chunks included, is kept byte for byte.
    private static func embed(
        _ card: Card, source: AuthoringSource, options: CardEditOptions, diagnostics: inout [Diagnostic]
    ) throws(CardAuthoringError) -> [UInt8] {
        let chunks = source.loaded.pngScan?.cardChunks ?? []
        var payloads: [PNGCardPayload] = []
        if let chara = chunks.first(where: { $0.role == .chara }) {
            let charaCard: Card
            if source.loaded.pngChunk == chara.location {
                charaCard = source.loaded.card
            } else {
                charaCard =
                    (try? CardReader.read(chara.json, options: options.load.read).card)
                    ?? Card(spec: .v2)
            }
            let rendered = render(card, like: charaCard, before: source.v3, diagnostics: &diagnostics)
            payloads.append(.chara(JSONWriter.bytes(rendered)))
        }
        if chunks.contains(where: { $0.role == .ccv3 }) {
            let like = source.loaded.card.shape == .v3 ? source.loaded.card : card
            let rendered = render(card, like: like, before: source.v3, diagnostics: &diagnostics)
            payloads.append(.ccv3(JSONWriter.bytes(rendered)))
        }
        var writeOptions = PNGWriteOptions()
        writeOptions.input = options.load.png
        do {
            let result = try PNGCardWriter.embed(payloads, into: source.loaded.fileBytes, options: writeOptions)
            diagnostics += result.diagnostics
            return result.png
        } catch {
            throw CardAuthoringError(path: source.path, kind: .cannotWrite, reason: error.description)
        }
    }
}

/// The layout of a JSON file, so an edit writes it back the same way.
struct JSONLayout {
    /// Compact, or pretty with the file's indent.
    var style: JSONWriter.Style
    /// Whether the file ended with a newline.
    var trailingNewline: Bool

    /// The layout of `bytes`: pretty when a newline follows the first `{`, indented as its second line is.
    init(of bytes: [UInt8]) {
        trailingNewline = bytes.last == 0x0A
        style = .compact
        guard let open = bytes.firstIndex(of: UInt8(ascii: "{")) else { return }
        var index = open + 1
        while index < bytes.count, bytes[index] == 0x0D { index += 1 }
        guard index < bytes.count, bytes[index] == 0x0A else { return }
        index += 1
        var indent = 0
        while index < bytes.count, bytes[index] == 0x20 {
            indent += 1
            index += 1
        }
        style = .pretty(indent: max(indent, 1))
    }
}
