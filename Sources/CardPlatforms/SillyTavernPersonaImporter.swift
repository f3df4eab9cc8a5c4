import CardKitFiles
package import CardKitJSON
public import CardModel
public import Foundation
import OrderedCollections

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Limits and locations for ``SillyTavernPersonaImporter``.
public struct PersonaImportOptions: Sendable, Hashable {
    /// The largest settings or backup file read.
    public var maxJSONBytes: Int = 64 << 20
    /// The largest avatar image copied.
    public var maxAvatarBytes: Int = 32 << 20
    /// The most personas imported from one file.
    public var maxPersonas: Int = 10_000
    /// The `User Avatars/` folder; when `nil`, the one beside the settings or backup file (or inside the
    /// folder given) is used if it exists.
    public var avatarsDirectory: URL? = nil

    /// Creates options with the defaults.
    public init() {}
}

/// One persona read from SillyTavern, with its avatar image when it was found.
public struct ImportedPersona: Sendable, Hashable {
    /// The persona (its `avatar` is set when files are written).
    public var persona: Persona
    /// SillyTavern's avatar id: the image's file name in `User Avatars/`.
    public var avatarID: String
    /// The image bytes, when the file was found.
    public var avatarData: Data?
}

/// The personas found and what reading them reported.
public struct PersonaImportResult: Sendable, Hashable {
    /// The personas, in SillyTavern's order.
    public var personas: [ImportedPersona]
    /// Warnings (missing images, descriptions without a persona) and notes.
    public var diagnostics: [Diagnostic]
}

/// Reads SillyTavern's persona storage and writes CardKit persona files (`card-formats.md` §11).
///
/// Pipeline:
/// 1. Find the storage: a `settings.json` (`power_user.personas`, `persona_descriptions`, `default_persona`),
///    a `personas_*.json` backup (the same three keys at the root), or a folder holding either.
/// 2. Build one ``Persona`` per entry of `personas`, in order: the name, the descriptor's description and
///    title, and the rest of the descriptor (`position`, `depth`, `role`, `lorebook`, `connections`) with the
///    avatar id and the default flag under `extensions.sillytavern`. As SillyTavern's restore does,
///    descriptions without a persona are skipped (reported).
/// 3. Read each image from `User Avatars/<avatarId>` (a missing image is reported, not fatal).
/// 4. ``write(_:to:)`` writes `<name>.persona.json` with the avatar beside it as `<name>.<ext>`, each
///    with `AtomicFile` (a temporary file in the destination folder, flushed and renamed into place).
public enum SillyTavernPersonaImporter {
    /// The image folder's name in SillyTavern's user data.
    package static let avatarsFolderName = "User Avatars"

    /// Reads the personas from a settings file, a backup file, or a folder holding one.
    /// - Parameters:
    ///   - url: `settings.json`, `personas_*.json`, or a folder (for example `data/default-user`).
    ///   - options: Limits and the avatars folder.
    /// - Returns: The personas with their images, and diagnostics.
    /// - Throws: ``PersonaImportError``.
    public static func load(from url: URL, options: PersonaImportOptions = .init()) throws(PersonaImportError)
        -> PersonaImportResult
    {
        let (file, avatarsDirectory) = try locate(url, options: options)
        let bytes = try readFile(file, limit: options.maxJSONBytes)
        let parsed: ParsedJSON
        do {
            parsed = try JSONParser.parse(bytes)
        } catch {
            throw .invalidJSON(path: file.path, error)
        }
        return try personas(in: parsed.value, path: file.path, avatarsDirectory: avatarsDirectory, options: options)
    }

    /// Builds personas from a parsed settings or backup document.
    /// - Parameters:
    ///   - json: The document.
    ///   - path: Its path, for messages.
    ///   - avatarsDirectory: Where the images are, if anywhere.
    ///   - options: Limits.
    /// - Returns: The personas and diagnostics.
    /// - Throws: ``PersonaImportError/notPersonaStorage(path:pointer:reason:)``.
    package static func personas(
        in json: JSONValue, path: String, avatarsDirectory: URL?, options: PersonaImportOptions = .init()
    ) throws(PersonaImportError) -> PersonaImportResult {
        guard case .object(let root) = json else {
            throw .notPersonaStorage(path: path, pointer: JSONPointer(), reason: "the document is not an object")
        }
        let base: JSONPointer
        let storage: JSONObject
        if let powerUser = root["power_user"]?.objectValue {
            base = JSONPointer(tokens: ["power_user"])
            storage = powerUser
        } else {
            base = JSONPointer()
            storage = root
        }
        guard let names = storage["personas"]?.objectValue else {
            throw .notPersonaStorage(
                path: path, pointer: base.appending("personas"), reason: "no `personas` object")
        }
        let descriptionsValue = storage["persona_descriptions"]
        if let descriptionsValue, descriptionsValue.objectValue == nil, descriptionsValue != .null {
            throw .notPersonaStorage(
                path: path, pointer: base.appending("persona_descriptions"),
                reason: "`persona_descriptions` is not an object")
        }
        let descriptions = descriptionsValue?.objectValue ?? JSONObject()
        let defaultID = storage["default_persona"]?.stringValue
        var diagnostics: [Diagnostic] = []
        var result: [ImportedPersona] = []

        for (avatarID, nameValue) in names {
            let pointer = base.appending("personas").appending(avatarID)
            guard result.count < options.maxPersonas else {
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .tooManyPersonas, pointer: pointer,
                        "more than \(options.maxPersonas) personas; the rest are skipped"))
                break
            }
            guard let name = nameValue.stringValue else {
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .wrongType, pointer: pointer,
                        "the persona name is \(nameValue.typeName()), not a string; skipped"))
                continue
            }
            var description = ""
            var title: String? = nil
            var sillyTavern: JSONObject = ["avatar_id": .string(avatarID), "is_default": .bool(avatarID == defaultID)]
            switch descriptions[avatarID] {
            case .object(let descriptor)?:
                for (key, value) in descriptor {
                    switch key {
                    case "description": description = value.stringValue ?? ""
                    case "title":
                        if let text = value.stringValue, !text.isEmpty { title = text }
                    default: sillyTavern[key] = value
                    }
                }
            case .string(let text)?:
                description = text
            case nil, .null?:
                break
            case let other?:
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .wrongType,
                        pointer: base.appending("persona_descriptions").appending(avatarID),
                        "the descriptor is \(other.typeName()), not an object; the persona has no description"))
            }
            let persona = Persona(
                name: name, description: description, title: title,
                extensions: [Persona.sillyTavernKey: .object(sillyTavern)])
            var imported = ImportedPersona(persona: persona, avatarID: avatarID, avatarData: nil)
            if let problem = PersonaReader.avatarProblem(avatarID), !avatarID.hasPrefix("data:") {
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .unsafeAvatarID, pointer: pointer, "avatar id not used as a path: \(problem)"
                    ))
            } else if let avatarsDirectory {
                let imageURL = avatarsDirectory.appendingPathComponent(avatarID)
                if FileManager.default.fileExists(atPath: imageURL.path) {
                    do {
                        imported.avatarData = Data(try readFile(imageURL, limit: options.maxAvatarBytes))
                    } catch {
                        diagnostics.append(
                            Diagnostic(.warning, code: .avatarUnreadable, pointer: pointer, error.description))
                    }
                } else {
                    diagnostics.append(
                        Diagnostic(
                            .warning, code: .avatarMissing, pointer: pointer,
                            "no image \(avatarsFolderName)/\(avatarID); the persona has no avatar"))
                }
            } else {
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .avatarMissing, pointer: pointer,
                        "no \(avatarsFolderName)/ folder was found; the persona has no avatar"))
            }
            result.append(imported)
        }
        for (avatarID, _) in descriptions where names[avatarID] == nil {
            diagnostics.append(
                Diagnostic(
                    .note, code: .orphanDescription,
                    pointer: base.appending("persona_descriptions").appending(avatarID),
                    "a description without a persona; skipped, as SillyTavern's restore does"))
        }
        if let defaultID, names[defaultID] == nil {
            diagnostics.append(
                Diagnostic(
                    .warning, code: .unknownDefault, pointer: base.appending("default_persona"),
                    "the default persona \"\(defaultID)\" is not in `personas`"))
        }
        return PersonaImportResult(personas: result, diagnostics: diagnostics)
    }

    /// Writes one persona file per persona, with its avatar beside it.
    ///
    /// Files are named after the persona (`Alice.persona.json`, `Alice.png`); names that collide get `-2`,
    /// `-3`…; existing files of the same name are replaced. Each file is written to a temporary file in
    /// `directory` and renamed into place, so a reader never sees half a file.
    /// - Parameters:
    ///   - personas: The personas from ``load(from:options:)``.
    ///   - directory: The destination folder (created when missing).
    /// - Returns: The persona files written, in order.
    /// - Throws: ``PersonaImportError/writeFailed(path:reason:)``.
    @discardableResult
    public static func write(_ personas: [ImportedPersona], to directory: URL) throws(PersonaImportError) -> [URL] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: directory.path, reason: error.localizedDescription)
        }
        var used: Set<String> = []
        var written: [URL] = []
        for imported in personas {
            let base = uniqueBaseName(for: imported.persona.name, used: &used)
            var persona = imported.persona
            if let data = imported.avatarData {
                let ext = avatarExtension(imported.avatarID, data: data)
                let avatarName = "\(base).\(ext)"
                try writeAtomically(data, to: directory.appendingPathComponent(avatarName))
                persona = Persona(
                    name: persona.name, description: persona.description, title: persona.title, avatar: avatarName,
                    extensions: persona.extensions)
            }
            let url = directory.appendingPathComponent("\(base).persona.json")
            let bytes = JSONWriter.bytes(persona.json, style: .pretty) + [0x0A]
            try writeAtomically(Data(bytes), to: url)
            written.append(url)
        }
        return written
    }

    /// Writes `data` to `url` with ``AtomicFile`` (a temporary file renamed into place, flushed to disk).
    /// - Throws: ``PersonaImportError/writeFailed(path:reason:)``.
    package static func writeAtomically(_ data: Data, to url: URL) throws(PersonaImportError) {
        do {
            try AtomicFile.write(data, to: url)
        } catch {
            throw .writeFailed(path: url.path, reason: error.reason)
        }
    }

    // MARK: - Pieces

    private static func locate(_ url: URL, options: PersonaImportOptions) throws(PersonaImportError) -> (URL, URL?) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .unreadable(path: url.path, reason: "no such file or folder")
        }
        func avatars(in folder: URL) -> URL? {
            if let given = options.avatarsDirectory { return given }
            let candidate = folder.appendingPathComponent(avatarsFolderName, isDirectory: true)
            return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
        }
        guard isDirectory.boolValue else { return (url, avatars(in: url.deletingLastPathComponent())) }
        let settings = url.appendingPathComponent("settings.json")
        if FileManager.default.fileExists(atPath: settings.path) { return (settings, avatars(in: url)) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        if let backup = names.filter({ $0.hasPrefix("personas_") && $0.hasSuffix(".json") }).sorted().last {
            return (url.appendingPathComponent(backup), avatars(in: url))
        }
        throw .unreadable(path: url.path, reason: "the folder holds no settings.json and no personas_*.json backup")
    }

    private static func readFile(_ url: URL, limit: Int) throws(PersonaImportError) -> [UInt8] {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
        if let size, size > limit { throw .tooLarge(path: url.path, size: size, limit: limit) }
        do {
            let data = try Data(contentsOf: url)
            if data.count > limit { throw PersonaImportError.tooLarge(path: url.path, size: data.count, limit: limit) }
            return [UInt8](data)
        } catch let error as PersonaImportError {
            throw error
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
    }

    /// The longest base name derived from a persona name, in UTF-8 bytes: with `-NNNNN` and `.persona.json`
    /// the file name stays far below the 255-byte limit of common file systems.
    static let maxBaseNameBytes = 100

    /// The most combining marks kept on one character (more is a "zalgo" flood).
    static let maxCombiningMarks = 2

    /// A file-name-safe base name for a persona, unique (case-insensitively) among `used`.
    ///
    /// The name is NFC-normalised; control and format characters are dropped (except the joiners of emoji
    /// sequences), combining marks beyond ``maxCombiningMarks`` per character are dropped, path separators and
    /// characters Windows refuses become `_`, leading dots are removed, and the result is cut on a character
    /// boundary at ``maxBaseNameBytes`` UTF-8 bytes. A name with nothing left becomes `persona-<hash>`, the hash
    /// being FNV-1a of the name's UTF-8 bytes (stable across runs).
    static func uniqueBaseName(for name: String, used: inout Set<String>) -> String {
        var safe = ""
        var bytes = 0
        for character in name.precomposedStringWithCanonicalMapping {
            var cleaned = String.UnicodeScalarView()
            var marks = 0
            for scalar in character.unicodeScalars {
                switch scalar.properties.generalCategory {
                case .control, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse:
                    continue
                case .format where scalar.value != 0x200D && scalar.value != 0x200C:
                    continue
                case .nonspacingMark, .enclosingMark, .spacingMark:
                    marks += 1
                    if marks > maxCombiningMarks || cleaned.isEmpty { continue }
                default:
                    break
                }
                cleaned.append("/\\:*?\"<>|".unicodeScalars.contains(scalar) ? "_" : scalar)
            }
            let piece = String(cleaned)
            guard !piece.isEmpty else { continue }
            if bytes + piece.utf8.count > maxBaseNameBytes { break }
            safe += piece
            bytes += piece.utf8.count
        }
        safe = safe.trimmingWhitespace()
        while safe.hasPrefix(".") { safe.removeFirst() }
        if safe.isEmpty {
            if name.isEmpty {
                safe = "persona"
            } else {
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
                safe = "persona-" + String(hash, radix: 16)
            }
        }
        var candidate = safe
        var counter = 2
        while used.contains(candidate.lowercased()) {
            candidate = "\(safe)-\(counter)"
            counter += 1
        }
        used.insert(candidate.lowercased())
        return candidate
    }

    /// The avatar's extension: from the image's signature, else from the avatar id, else `png`.
    static func avatarExtension(_ avatarID: String, data: Data) -> String {
        if let known = FileSignature.detect(data).avatarFileExtension { return known }
        let ext = (avatarID as NSString).pathExtension.lowercased()
        return ext.isEmpty || ext.count > 5 ? "png" : ext
    }
}
