import CardKitDigest
public import CardKitJSON
import CardModel
import CardPlatforms
import CardSchemas
import Foundation

/// An image to upload as an avatar.
public struct UploadAvatar: Sendable, Hashable {
    /// The bytes.
    public var bytes: [UInt8]
    /// The type sniffed from the bytes (`image/png`, `image/jpeg`, `image/webp`, `image/gif`).
    public var mimeType: String
}

/// An input converted and checked, ready to send.
public struct UploadPreparedItem: Sendable {
    /// The input path.
    public var path: String
    /// The state-file key: the canonical path (``UploadStateFile/canonicalPath(_:)``).
    public var key: String
    /// The name (used for read-back).
    public var name: String
    /// The platform body.
    public var payload: JSONObject
    /// The avatar to upload, if any.
    public var avatar: UploadAvatar?
    /// The Chattr id to update.
    public var chattrId: String?
    /// `sha256:<hex>` of the payload and avatar.
    public var contentHash: String
    /// The number of loss-report entries.
    public var losses: Int
}

/// Why an input cannot be uploaded (nothing is sent for it).
public struct UploadInputError: Error, Sendable, CustomStringConvertible {
    /// The input path.
    public var path: String
    /// The reason.
    public var reason: String
    /// Creates an input error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    /// `path: error: reason`.
    public var description: String { "\(path): error: \(reason)" }
}

/// Converts inputs to platform bodies and checks them before anything is sent.
public struct UploadPreparer: Sendable {
    /// The options.
    public var options: UploadOptions

    /// Creates a preparer.
    public init(options: UploadOptions) { self.options = options }

    /// Converts and checks one input.
    /// - Throws: ``UploadInputError`` when the input cannot be uploaded to the platform.
    public func prepare(path: String, input: UploadInput) throws -> UploadPreparedItem {
        let platform = Self.platform(options.provider)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var payload: JSONObject
        var avatar: UploadAvatar?
        var avatarReference: String?
        var losses = 0
        var chattrId: String?
        switch (input, options.kind) {
        case (.card(let card, let imageBytes), .characters):
            let conversion = PlatformConverter.convert(card, to: platform, options: options.conversion)
            guard let object = conversion.output.objectValue else { throw fail(path, "conversion produced no object") }
            payload = object
            losses = conversion.report.entries.count
            if let imageBytes { avatar = Self.avatar(imageBytes) }
            avatarReference = conversion.avatar
            if options.provider == .chattr {
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
            guard let object = conversion.output.objectValue else { throw fail(path, "conversion produced no object") }
            payload = object
            losses = conversion.report.entries.count
            avatarReference = conversion.avatar ?? persona.avatar
        case (.card, .personas):
            throw fail(path, "is a character card, not a persona (use `cardkit upload characters`)")
        case (.persona, .characters):
            throw fail(path, "is a persona, not a character card (use `cardkit upload personas`)")
        case (.notApplicable(let reason), _):
            throw fail(path, reason)
        }
        try checkSchema(payload, path: path)
        if avatar == nil, let reference = avatarReference {
            if reference.hasPrefix("data:") {
                avatar = Self.decodeDataURL(reference)
            } else if !reference.hasPrefix("http://"), !reference.hasPrefix("https://") {
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
        switch options.provider {
        case .nextchat:
            if let avatar {
                payload["avatar"] = .string(
                    "data:\(avatar.mimeType);base64,\(Data(avatar.bytes).base64EncodedString())")
            } else if let reference = avatarReference, reference.hasPrefix("http") {
                payload["avatar"] = .string(reference)
            }
        case .chattr:
            if let reference = avatarReference, reference.hasPrefix("http") {
                payload["avatar_url"] = .string(reference)
            }
        case .spicychat:
            break  // uploaded through save-image; the key is added when sending
        }
        let name = payload["name"]?.stringValue ?? ""
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw fail(path, "the name is empty")
        }
        if options.provider == .spicychat, options.kind == .characters, (payload["tags"]?.arrayValue?.count ?? 0) < 2 {
            throw fail(
                path, "Spicychat needs at least 2 tags (the card has \(payload["tags"]?.arrayValue?.count ?? 0))")
        }
        var hashed = JSONWriter.bytes(.object(payload), sortKeys: true)
        if let avatar { hashed += Array(Digest.md5Hex(avatar.bytes).utf8) }
        return UploadPreparedItem(
            path: path, key: UploadStateFile.canonicalPath(path), name: name, payload: payload, avatar: avatar,
            chattrId: chattrId,
            contentHash: "sha256:" + Digest.sha256Hex(hashed), losses: losses)
    }

    private func fail(_ path: String, _ reason: String) -> UploadInputError {
        UploadInputError(path: path, reason: reason)
    }

    /// The schema in `schemas/platforms/` that the converted object must pass before anything is sent.
    var payloadSchema: CardSchemaName {
        switch (options.provider, options.kind) {
        case (.spicychat, .personas): .spicychatPersona
        case (.spicychat, .characters): .spicychatCharacter
        case (.chattr, _): .chattrCharacter
        case (.nextchat, _): .nextchatCreateCharacterRequest
        }
    }

    /// Validates the converted object against its platform schema; an invalid one is never sent.
    private func checkSchema(_ payload: JSONObject, path: String) throws {
        let report: CardValidationReport
        do {
            report = try CardValidator.validate(.object(payload), schema: .named(payloadSchema))
        } catch {
            throw fail(path, "cannot check the \(payloadSchema) schema: \(error)")
        }
        if let first = report.errors.first {
            let more = report.errors.count > 1 ? " (and \(report.errors.count - 1) more)" : ""
            throw fail(
                path,
                "the converted object fails the \(payloadSchema) schema: \(first.instanceLocation.displayString): \(first.message)\(more)"
            )
        }
    }

    static func platform(_ provider: UploadProvider) -> Platform {
        switch provider {
        case .spicychat: .spicychat
        case .chattr: .chattr
        case .nextchat: .nextchat
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
