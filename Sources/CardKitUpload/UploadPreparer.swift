package import CardKitJSON
import CardModel
import CardPlatforms
import CardSchemas
import Foundation

/// An image to upload as an avatar.
package struct UploadAvatar: Sendable, Hashable {
    /// The bytes.
    package var bytes: [UInt8]
    /// The type sniffed from the bytes (`image/png`, `image/jpeg`, `image/webp`, `image/gif`).
    package var mimeType: String
}

/// An input converted and checked, ready to send.
package struct UploadPreparedItem: Sendable {
    /// The input path.
    package var path: String
    /// The state-file key: the canonical path (``UploadStateFile/canonicalPath(_:)``).
    package var key: String
    /// The name (used for read-back).
    package var name: String
    /// The platform body.
    package var payload: JSONObject
    /// The avatar to upload, if any.
    package var avatar: UploadAvatar?
    /// The Chattr id to update.
    package var chattrId: String?
    /// `sha256:<hex>` of the payload and avatar.
    package var contentHash: String
    /// The number of loss-report entries.
    package var losses: Int
}

/// Why an input cannot be uploaded (nothing is sent for it).
public struct UploadInputError: Error, Sendable, CustomStringConvertible {
    /// The input path.
    public var path: String
    /// The reason.
    public var reason: String
    /// Creates an input error.
    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    /// `path: error: reason`.
    public var description: String { "\(path): error: \(reason)" }
}

/// Converts inputs to platform bodies and checks them before anything is sent.
package struct UploadPreparer: Sendable {
    /// The options.
    package var options: UploadOptions

    /// Creates a preparer.
    package init(options: UploadOptions) { self.options = options }

    /// Converts and checks one input.
    /// - Throws: ``UploadInputError`` when the input cannot be uploaded to the platform.
    package func prepare(path: String, input: UploadInput) throws(UploadInputError) -> UploadPreparedItem {
        let upload = options.provider
        let platform = options.provider.platform
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var payload: JSONObject
        var avatar: UploadAvatar?
        var avatarReference: String?
        var losses = 0
        var chattrId: String?
        switch (input, options.kind) {
        case (.card(let card, let imageBytes), .characters):
            let conversion = PlatformConverter.convert(card, to: platform, options: options.conversion)
            if let limit = conversion.unmetLimit { throw fail(path, limit.reason) }
            guard let object = conversion.output.objectValue else { throw fail(path, "conversion produced no object") }
            payload = object
            losses = conversion.report.entries.count
            if let imageBytes { avatar = Self.avatar(imageBytes) }
            avatarReference = conversion.avatar
            switch upload.mode {
            case .createOrUpdate: break
            case .updateOnly:
                // The input names the object to update (Chattr): an id map entry, the card's own, or a slug.
                chattrId =
                    options.idMap[path] ?? options.idMap[URL(fileURLWithPath: path).standardizedFileURL.path]
                    ?? card.extensions["chattr"]?["id"]?.stringValue
                    ?? payload["id"]?.stringValue ?? ChattrCharacter.slug(for: card.name)
                _ = payload.removeValue(forKey: "id")
            }
        case (.persona(let persona), .personas):
            let conversion: PlatformConversion
            do {
                conversion = try PlatformConverter.convert(persona, to: platform, options: options.conversion)
            } catch {
                throw fail(path, "\(options.provider) does not support personas")
            }
            if let limit = conversion.unmetLimit { throw fail(path, limit.reason) }
            guard let object = conversion.output.objectValue else { throw fail(path, "conversion produced no object") }
            payload = object
            losses = conversion.report.entries.count
            avatarReference = conversion.avatar ?? persona.avatar
        case (.card, .personas):
            throw fail(path, "is a character card, not a persona (upload it as a character)")
        case (.persona, .characters):
            throw fail(path, "is a persona, not a character card (upload it as a persona)")
        case (.notApplicable(let reason), _):
            throw fail(path, reason)
        }
        try checkSchema(payload, path: path)
        if avatar == nil, let reference = avatarReference {
            if reference.hasPrefix("data:") {
                avatar = Self.decodeDataURL(reference)
            } else if !ImageReference.isWebURL(reference) {
                let url =
                    reference.hasPrefix("/")
                    ? URL(fileURLWithPath: reference) : directory.appendingPathComponent(reference)
                if let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int),
                    size <= options.maxAvatarBytes,
                    let data = FileManager.default.contents(atPath: url.path)
                {
                    avatar = Self.avatar([UInt8](data))
                }
                if avatar == nil { throw fail(path, "avatar \(reference) cannot be read as an image") }
            }
        }
        _ = payload.removeValue(forKey: "avatar")
        let name = payload["name"]?.stringValue ?? ""
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw fail(path, "the name is empty")
        }
        if let reason = upload.finish(&payload, avatar, avatarReference, options.kind) { throw fail(path, reason) }
        var hashed = JSONWriter.bytes(.object(payload), sortKeys: true)
        if let avatar { hashed += Array(UploadDigest.md5Hex(avatar.bytes).utf8) }
        return UploadPreparedItem(
            path: path, key: UploadStateFile.canonicalPath(path), name: name, payload: payload, avatar: avatar,
            chattrId: chattrId,
            contentHash: "sha256:" + UploadDigest.sha256Hex(hashed), losses: losses)
    }

    private func fail(_ path: String, _ reason: String) -> UploadInputError {
        UploadInputError(path: path, reason: reason)
    }

    /// The name of the schema in `schemas/platforms/` that the converted object must pass before anything is sent
    /// (the platform descriptor names it); nil when the platform does not take the kind.
    package var payloadSchemaName: String? { payloadSchema?.rawValue }

    /// The schema as a ``CardSchemaName``.
    var payloadSchema: CardSchemaName? {
        let name = options.provider.platform.descriptor.schema(for: options.kind.objectKind)
        return name.flatMap(CardSchemaName.init(rawValue:))
    }

    /// Validates the converted object against its platform schema; an invalid one is never sent.
    private func checkSchema(_ payload: JSONObject, path: String) throws(UploadInputError) {
        guard let payloadSchema else {
            throw fail(path, "\(options.provider) has no schema for \(options.kind.rawValue)")
        }
        let violation: String?
        do {
            violation = try CardValidator.firstViolation(of: .object(payload), schema: payloadSchema)
        } catch {
            throw fail(path, "cannot check the \(payloadSchema) schema: \(error)")
        }
        if let violation {
            throw fail(path, "the converted object fails the \(payloadSchema) schema: \(violation)")
        }
    }

    /// Sniffs an image type; nil when the bytes are not a known image.
    static func avatar(_ bytes: [UInt8]) -> UploadAvatar? {
        guard let type = FileSignature.detect(bytes).avatarMIMEType else { return nil }
        return UploadAvatar(bytes: bytes, mimeType: type)
    }

    static func decodeDataURL(_ text: String) -> UploadAvatar? {
        guard let comma = text.firstIndex(of: ","), text[..<comma].hasSuffix(";base64"),
            let data = Data(base64Encoded: String(text[text.index(after: comma)...]), options: .ignoreUnknownCharacters)
        else { return nil }
        return avatar([UInt8](data))
    }
}
