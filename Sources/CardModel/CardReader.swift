public import CardKitJSON
import OrderedCollections

/// Options for ``CardReader``.
public struct CardReadOptions: Sendable, Hashable {
    /// Turn every warning into an error (the specs exactly; most real cards fail).
    public var strict: Bool = false
    /// Limits for the JSON parser.
    public var json: JSONParseOptions = JSONParseOptions()
    /// The specs the container promises, for example V1 or V2 for a PNG `chara` chunk; a card of another spec
    /// is read anyway and reported.
    public var expectedSpecs: Set<CardSpec>? = nil
    /// How to name the container in that report, for example "the `chara` chunk".
    package var containerLabel: String? = nil

    /// Creates options with the defaults: lenient, 512 levels deep.
    public init() {}
}

/// A card and what reading it found.
public struct CardReadResult: Sendable, Hashable {
    /// The card, with the document exactly as read.
    public var card: Card
    /// Every note, warning and error, in document order.
    public var diagnostics: [Diagnostic]

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Creates a result, for readers of other formats that build a card themselves.
    package init(card: Card, diagnostics: [Diagnostic]) {
        self.card = card
        self.diagnostics = diagnostics
    }
}

/// Reads V1, V2 and V3 cards, including the real-world shapes that bend the specs.
///
/// Pipeline:
/// 1. Parse the bytes losslessly (``JSONParser``); a BOM or a duplicate key becomes a warning.
/// 2. Classify the root (``classify(_:)``): V3, V2, an unknown `spec` read as V2, flat V2, or V1.
/// 3. Check every field against the spec, as a conversion would repair it, and report each repair.
/// 4. Under ``CardReadOptions/strict``, fail when anything needed a repair.
public enum CardReader {
    /// Reads a card from JSON bytes.
    /// - Parameters:
    ///   - bytes: UTF-8 JSON.
    ///   - options: Strictness and limits.
    /// - Returns: The card and its diagnostics.
    /// - Throws: ``CardError``.
    public static func read(_ bytes: some Collection<UInt8>, options: CardReadOptions = .init()) throws(CardError)
        -> CardReadResult
    {
        let parsed: ParsedJSON
        do {
            parsed = try JSONParser.parse(bytes, options: options.json)
        } catch {
            throw .invalidJSON(error)
        }
        let jsonDiagnostics = parsed.warnings.map {
            Diagnostic(.warning, code: Diagnostic.Code($0.kind), pointer: $0.pointer, offset: $0.offset, $0.description)
        }
        return try read(json: parsed.value, options: options, carrying: jsonDiagnostics)
    }

    /// Reads a card from a parsed JSON value.
    /// - Throws: ``CardError``.
    public static func read(json: JSONValue, options: CardReadOptions = .init()) throws(CardError) -> CardReadResult {
        try read(json: json, options: options, carrying: [])
    }

    private static func read(json: JSONValue, options: CardReadOptions, carrying: [Diagnostic]) throws(CardError)
        -> CardReadResult
    {
        guard case .object(let root) = json else {
            throw .notACard(pointer: JSONPointer(), reason: "the document is \(json.typeName()), not an object")
        }
        var (shape, diagnostics) = try classify(root)
        try checkBookSize(root)
        diagnostics = carrying + diagnostics
        let card = Card(document: root, shape: shape)
        if let expected = options.expectedSpecs, !expected.contains(card.spec) {
            let label = options.containerLabel ?? "the container"
            diagnostics.append(
                Diagnostic(
                    .warning, code: .unexpectedSpec, pointer: JSONPointer(tokens: ["spec"]),
                    "\(label) holds a \(card.spec.rawValue.uppercased()) card"))
        }
        diagnostics += check(card)
        if options.strict {
            let escalated = diagnostics.map { $0.escalated(strict: true) }
            let failures = escalated.filter { $0.severity == .error }
            if !failures.isEmpty { throw .strictViolations(failures) }
            return CardReadResult(card: card, diagnostics: escalated)
        }
        return CardReadResult(card: card, diagnostics: diagnostics)
    }

    /// Refuses a character book (under `data`, or at the root of a V1 or flat card) with more than
    /// ``CharacterBook/maxEntries`` entries, before anything looks at them.
    private static func checkBookSize(_ root: JSONObject) throws(CardError) {
        let places: [(JSONObject?, JSONPointer)] = [
            (root["data"]?.objectValue, JSONPointer(tokens: ["data", "character_book", "entries"])),
            (root, JSONPointer(tokens: ["character_book", "entries"])),
        ]
        for (object, pointer) in places {
            if let problem = CharacterBook.entriesLimitProblem(object?["character_book"]?.objectValue?["entries"]) {
                throw .limitExceeded(pointer: pointer, reason: problem)
            }
        }
    }

    /// Decides which shape a root object has, following the classification in the card-formats reference.
    /// - Returns: The shape and a diagnostic explaining any non-standard layout.
    /// - Throws: ``CardError/notACard(pointer:reason:)`` for lorebooks, World Info, Pygmalion JSON and objects
    ///   with no card fields.
    package static func classify(_ root: JSONObject) throws(CardError) -> (CardShape, [Diagnostic]) {
        let specPointer = JSONPointer(tokens: ["spec"])
        var diagnostics: [Diagnostic] = []
        if let specValue = root["spec"] {
            let spec = specValue.stringValue
            if spec == "lorebook_v3" {
                throw .notACard(pointer: specPointer, reason: "a standalone V3 lorebook (spec lorebook_v3)")
            }
            guard case .object = root["data"] else {
                if root["data"] == nil, root["name"] != nil {
                    diagnostics.append(
                        Diagnostic(
                            .warning, code: .missingData, pointer: JSONPointer(tokens: ["data"]),
                            "`spec` is \(JSONWriter.string(specValue)) but there is no `data`; reading the root as flat V2"
                        ))
                    return (.flatV2, diagnostics)
                }
                throw .notACard(
                    pointer: JSONPointer(tokens: ["data"]),
                    reason: root["data"] == nil ? "`spec` is set but `data` is missing" : "`data` is not an object")
            }
            let version = root["spec_version"]?.stringValue ?? root["spec_version"]?.numberValue?.literal
            let shape: CardShape
            switch spec {
            case "chara_card_v3":
                shape = .v3
                let number = version.flatMap(Double.init)
                if let number, number > 3.0, number < 4.0 {
                    diagnostics.append(
                        Diagnostic(
                            .warning, code: .newerSpecVersion, pointer: JSONPointer(tokens: ["spec_version"]),
                            "spec_version \(version ?? "") is newer than 3.0; reading as 3.0"))
                } else if number.map({ $0 < 3.0 || $0 >= 4.0 }) ?? true {
                    diagnostics.append(
                        Diagnostic(
                            .warning, code: .specVersion, pointer: JSONPointer(tokens: ["spec_version"]),
                            "spec_version is \(version.map { "\"\($0)\"" } ?? "missing"), expected \"3.0\""))
                }
            case "chara_card_v2":
                shape = .v2
                if version != "2.0" {
                    diagnostics.append(
                        Diagnostic(
                            .warning, code: .specVersion, pointer: JSONPointer(tokens: ["spec_version"]),
                            "spec_version is \(version.map { "\"\($0)\"" } ?? "missing"), expected \"2.0\""))
                }
            default:
                shape = .unknownSpec
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .unknownSpec, pointer: specPointer,
                        "unknown spec \(JSONWriter.string(specValue)); reading `data` as V2, as SillyTavern does"))
            }
            if CardFields.v1.contains(where: { root[$0] != nil }) {
                diagnostics.append(
                    Diagnostic(
                        .note, code: .rootV1Fields, pointer: JSONPointer(),
                        "V1 fields are repeated at the root beside `data` (SillyTavern's layout); `data` wins"))
            }
            return (shape, diagnostics)
        }
        if root["char_name"] != nil {
            throw .notACard(
                pointer: JSONPointer(tokens: ["char_name"]), reason: "Pygmalion/Gradio character JSON (char_name)")
        }
        if root["entries"] != nil, root["name"] == nil || root["first_mes"] == nil {
            throw .notACard(
                pointer: JSONPointer(tokens: ["entries"]), reason: "a World Info file or lorebook (entries)")
        }
        if let marker = CardFields.v2OnlyRootMarkers.first(where: { root[$0] != nil }) {
            diagnostics.append(
                Diagnostic(
                    .warning, code: .flatV2, pointer: JSONPointer(tokens: [marker]),
                    "V2 fields at the root without `spec`/`data` (flat V2); reading as V2"))
            return (.flatV2, diagnostics)
        }
        if root["name"] != nil {
            diagnostics.append(Diagnostic(.note, code: .v1, pointer: JSONPointer(), "a V1 card: fields at the root"))
            return (.v1, diagnostics)
        }
        throw .notACard(pointer: JSONPointer(), reason: "no `spec`, `data` or `name` key")
    }

    /// Checks a card against its spec and returns what a conversion would repair.
    package static func check(_ card: Card) -> [Diagnostic] {
        var normalizer = CardNormalizer()
        normalizer.reportsOnly = true
        let fieldsPointer = card.fieldsPointer
        _ = normalizer.normalizeFields(
            card.shape == .v1 ? card.document.filtered(CardFields.v1) : card.fields, at: fieldsPointer,
            target: card.spec, sourceSpec: card.spec)
        normalizer.checkSillyTavernKeys(card.document, at: JSONPointer())
        if card.shape.hasDataObject {
            normalizer.checkSillyTavernKeys(card.extensions, at: fieldsPointer.appending("extensions"))
        }
        var diagnostics = normalizer.diagnostics
        diagnostics += rootDisagreements(card)
        if case .string("")? = card.document["tags"], card.shape.hasDataObject {
            diagnostics.append(
                Diagnostic(
                    .warning, code: .wrongType, pointer: JSONPointer(tokens: ["tags"]),
                    "root `tags` is \"\" (an array is expected)"))
        }
        return diagnostics
    }

    /// Reports root V1 fields that disagree with `data` (SillyTavern's hybrid layout; `data` wins).
    private static func rootDisagreements(_ card: Card) -> [Diagnostic] {
        guard card.shape.hasDataObject else { return [] }
        var diagnostics: [Diagnostic] = []
        for field in CardFields.v1 {
            guard let rootValue = card.document[field], let dataValue = card.fields[field] else { continue }
            let a = CardFieldDefaults.lenientString(rootValue)
            let b = CardFieldDefaults.lenientString(dataValue)
            if a != b {
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .rootDisagrees, pointer: JSONPointer(tokens: [field]),
                        "root `\(field)` differs from /data/\(field); `data` wins"))
            }
        }
        if let rootTags = card.document["tags"], let dataTags = card.fields["tags"],
            CardFieldDefaults.lenientStrings(rootTags, splitOnCommas: true)
                != CardFieldDefaults.lenientStrings(dataTags, splitOnCommas: true)
        {
            diagnostics.append(
                Diagnostic(
                    .warning, code: .rootDisagrees, pointer: JSONPointer(tokens: ["tags"]),
                    "root `tags` differs from /data/tags; `data` wins"))
        }
        return diagnostics
    }
}

extension JSONObject {
    /// The members whose keys are in `keys`, in this object's order.
    func filtered(_ keys: [String]) -> JSONObject {
        var result = JSONObject()
        for (key, value) in self where keys.contains(key) { result[key] = value }
        return result
    }
}
