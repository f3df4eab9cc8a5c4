package import CardKit
import CardKitJSON
import CardModel
public import Foundation
import OrderedCollections

extension UploadInput {
    /// Loads one input: a persona file, or a card in any container `CardKit` reads.
    ///
    /// A file found by walking a folder that is not of the kind being uploaded (a persona while uploading
    /// characters, a card while uploading personas) is ``notApplicable(_:)``, skipped; a file named explicitly is
    /// always loaded, and the preparer says why it cannot be uploaded.
    /// - Parameters:
    ///   - path: The file (`-` for standard input).
    ///   - kind: What the run uploads.
    ///   - walked: Whether the file was found by walking a folder.
    ///   - options: How cards are read.
    /// - Returns: The input.
    /// - Throws: ``UploadInputError`` with the reason alone (the engine names the path).
    package static func load(
        _ path: String, kind: UploadKind, walked: Bool, options: CardLoadOptions = CardLoadOptions()
    ) throws(UploadInputError) -> UploadInput {
        let data: Data
        do throws(CardFileError) {
            data = try CardInput(path: path).read()
        } catch {
            throw UploadInputError(path: path, reason: error.reason)
        }
        if PersonaReader.isPersona(bytes: data) {
            if kind == .characters, walked { return .notApplicable("a persona, not a character card") }
            do throws(PersonaError) {
                return .persona(try PersonaReader.read([UInt8](data)).persona)
            } catch {
                throw UploadInputError(path: path, reason: error.description)
            }
        }
        if kind == .personas, walked {
            // A persona folder holds its avatars beside the persona files: an image without a card is one of them.
            let signature = FileSignature.detect(data)
            let isImage = signature.isNonPNGImage || signature == .png
            if isImage, (try? CardFileLoader.load(data: data, path: path, options: options)) == nil {
                return .notApplicable("an image with no card in it (an avatar?), not a persona")
            }
            return .notApplicable("a character card, not a persona")
        }
        let loaded: LoadedCard
        do throws(CardFileError) {
            loaded = try CardFileLoader.load(data: data, path: path, options: options)
        } catch {
            throw UploadInputError(path: path, reason: error.reason)
        }
        if loaded.hasErrors {
            let errors = loaded.diagnostics.filter { $0.severity == .error }.map(\.description)
            throw UploadInputError(path: path, reason: errors.joined(separator: "; "))
        }
        return .card(loaded.card, imageBytes: loaded.container == .png ? [UInt8](loaded.fileBytes) : nil)
    }
}

extension UploadOptions {
    /// Reads an id map file: a JSON object of input path → Chattr character id.
    /// - Parameter url: The file.
    /// - Returns: The map for ``idMap``.
    /// - Throws: ``UploadInputError`` (its `path` is the file's) when the file cannot be read or is not an object of
    ///   strings.
    public static func idMap(contentsOf url: URL) throws(UploadInputError) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw UploadInputError(path: url.path, reason: "not a readable JSON object of path → id")
        }
        do throws(UploadInputError) {
            return try idMap(json: [UInt8](data))
        } catch {
            throw UploadInputError(path: url.path, reason: error.reason)
        }
    }

    /// Reads an id map: a JSON object of input path → Chattr character id.
    ///
    /// Each path is entered as written and as a standardized absolute path, so either spelling finds its id.
    /// - Parameter bytes: The JSON text.
    /// - Returns: The map for ``idMap``.
    /// - Throws: ``UploadInputError`` (its `path` is empty) when the text is not an object of strings.
    public static func idMap(json bytes: [UInt8]) throws(UploadInputError) -> [String: String] {
        guard let object = try? JSONParser.parse(bytes).value.objectValue else {
            throw UploadInputError(path: "", reason: "not a readable JSON object of path → id")
        }
        var map: [String: String] = [:]
        for (key, value) in object {
            guard let id = value.stringValue else {
                throw UploadInputError(path: "", reason: "/\(key) is not a string")
            }
            map[key] = id
            map[URL(fileURLWithPath: key).standardizedFileURL.path] = id
        }
        return map
    }
}
