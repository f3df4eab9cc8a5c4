public import CardKitJSON

/// A persona and what reading it found.
public struct PersonaReadResult: Sendable, Hashable {
    /// The persona, with the document exactly as read.
    public var persona: Persona
    /// Notes and warnings about the document (for example a newer format version).
    public var diagnostics: [Diagnostic]
}

/// Thrown when a document cannot be read as a CardKit persona file.
public enum PersonaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Thrown when the bytes are not a JSON document.
    case invalidJSON(JSONParseError)
    /// Thrown when the JSON is valid but is not a persona file (no `"type": "cardkit_persona"` marker).
    case notAPersona(pointer: JSONPointer, reason: String)
    /// Thrown when a persona field has the wrong type or a value the format forbids.
    case invalidField(pointer: JSONPointer, reason: String)

    /// The error as one line, with the JSON pointer where it applies.
    public var description: String {
        switch self {
        case .invalidJSON(let error): return "invalid JSON: \(error)"
        case .notAPersona(let pointer, let reason): return "not a persona file: \(pointer.displayString): \(reason)"
        case .invalidField(let pointer, let reason): return "invalid persona: \(pointer.displayString): \(reason)"
        }
    }
}

/// Reads CardKit persona files (see ``Persona`` for the format).
///
/// Pipeline:
/// 1. Parse the bytes losslessly (``JSONParser``).
/// 2. Recognise the file by its marker, `"type": "cardkit_persona"` (``isPersona(_:)``).
/// 3. Check `version` (a newer version is read with a warning), `name` (required string), `description`,
///    `title` and `avatar` (strings), `extensions` (object), and the avatar reference (no absolute paths,
///    no `..`).
public enum PersonaReader {
    /// Whether a root object carries the persona marker.
    package static func isPersona(_ root: JSONObject) -> Bool {
        root["type"]?.stringValue == Persona.typeMarker
    }

    /// Whether JSON bytes look like a persona file (a cheap check for content sniffing: parses the document).
    package static func isPersona(bytes: some Collection<UInt8>) -> Bool {
        guard let parsed = try? JSONParser.parse(bytes), case .object(let root) = parsed.value else { return false }
        return isPersona(root)
    }

    /// Reads a persona from JSON bytes.
    /// - Parameters:
    ///   - bytes: UTF-8 JSON.
    ///   - options: Limits for the JSON parser.
    /// - Returns: The persona and its diagnostics.
    /// - Throws: ``PersonaError``.
    public static func read(_ bytes: some Collection<UInt8>, options: JSONParseOptions = .init()) throws(PersonaError)
        -> PersonaReadResult
    {
        let parsed: ParsedJSON
        do {
            parsed = try JSONParser.parse(bytes, options: options)
        } catch {
            throw .invalidJSON(error)
        }
        var result = try read(json: parsed.value)
        result.diagnostics =
            parsed.warnings.map {
                Diagnostic(
                    .warning, code: Diagnostic.Code($0.kind), pointer: $0.pointer, offset: $0.offset, $0.description)
            } + result.diagnostics
        return result
    }

    /// Reads a persona from a parsed JSON value.
    /// - Parameter json: The document.
    /// - Returns: The persona and its diagnostics.
    /// - Throws: ``PersonaError``.
    public static func read(json: JSONValue) throws(PersonaError) -> PersonaReadResult {
        guard case .object(let root) = json else {
            throw .notAPersona(pointer: JSONPointer(), reason: "the document is \(json.typeName()), not an object")
        }
        guard isPersona(root) else {
            throw .notAPersona(
                pointer: JSONPointer(tokens: ["type"]), reason: "`type` is not \"\(Persona.typeMarker)\"")
        }
        var diagnostics: [Diagnostic] = []
        switch root["version"] {
        case .number(let number)?:
            if let version = number.intValue, version > Persona.formatVersion {
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .newerPersonaVersion, pointer: JSONPointer(tokens: ["version"]),
                        "persona format version \(number.literal) is newer than \(Persona.formatVersion); reading as \(Persona.formatVersion)"
                    ))
            } else if number.intValue == nil || number.intValue ?? 0 < 1 {
                throw .invalidField(
                    pointer: JSONPointer(tokens: ["version"]),
                    reason: "version must be a positive integer, found \(number.literal)")
            }
        case nil:
            diagnostics.append(
                Diagnostic(
                    .warning, code: .missingField, pointer: JSONPointer(tokens: ["version"]),
                    "missing `version`; reading as \(Persona.formatVersion)"))
        case let other?:
            throw .invalidField(
                pointer: JSONPointer(tokens: ["version"]), reason: "version must be a number, found \(other.typeName())"
            )
        }
        guard let name = root["name"] else {
            throw .invalidField(pointer: JSONPointer(tokens: ["name"]), reason: "missing required `name`")
        }
        guard name.stringValue != nil else {
            throw .invalidField(
                pointer: JSONPointer(tokens: ["name"]), reason: "`name` must be a string, found \(name.typeName())")
        }
        if name.stringValue?.isEmpty == true {
            diagnostics.append(
                Diagnostic(
                    .warning, code: .emptyName, pointer: JSONPointer(tokens: ["name"]), "the persona's name is empty")
            )
        }
        if root["description"] == nil {
            diagnostics.append(
                Diagnostic(
                    .warning, code: .missingField, pointer: JSONPointer(tokens: ["description"]),
                    "missing `description`; reading as \"\""))
        }
        for key in ["description", "title", "avatar"] {
            if let value = root[key], value.stringValue == nil, value != .null {
                throw .invalidField(
                    pointer: JSONPointer(tokens: [key]), reason: "`\(key)` must be a string, found \(value.typeName())")
            }
        }
        if let extensions = root["extensions"], extensions.objectValue == nil {
            throw .invalidField(
                pointer: JSONPointer(tokens: ["extensions"]),
                reason: "`extensions` must be an object, found \(extensions.typeName())")
        }
        if let avatar = root["avatar"]?.stringValue, !avatar.isEmpty, let problem = avatarProblem(avatar) {
            throw .invalidField(pointer: JSONPointer(tokens: ["avatar"]), reason: problem)
        }
        return PersonaReadResult(persona: Persona(document: root), diagnostics: diagnostics)
    }

    /// Why an avatar reference is unsafe to resolve beside the persona file, or `nil` when it is acceptable.
    ///
    /// `data:` and `http(s):` URLs are accepted; a path must be relative and must not contain `..`
    /// components or NUL characters.
    package static func avatarProblem(_ avatar: String) -> String? {
        if avatar.hasPrefix("data:") {
            return avatar.contains(";base64,") ? nil : "an embedded avatar must be a base64 `data:` URL"
        }
        if avatar.hasPrefix("http://") || avatar.hasPrefix("https://") { return nil }
        if avatar.hasPrefix("/") || avatar.hasPrefix("\\") || avatar.contains("\0") {
            return "the avatar path must be relative to the persona file"
        }
        let components = avatar.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if components.contains(where: { $0 == ".." }) {
            return "the avatar path must not leave the persona's folder (`..`)"
        }
        return nil
    }
}
