package import CardKitJSON

extension Diagnostic {
    /// The stable identifier of a ``Diagnostic``, such as ``wrongType`` (`wrong-type`) or ``pngBadCRC``
    /// (`png-bad-crc`).
    ///
    /// Every code CardKit reports is a static constant below, grouped by the part of the library that reports it;
    /// match on the constants, not on strings. The ``rawValue`` is what JSON output (`--json`, SARIF) writes, so it
    /// never changes once released. There is deliberately no string-literal conversion: a new code gets a constant
    /// here.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code as written in output, for example `wrong-type`.
        public let rawValue: String

        /// Creates a code from the string written in output.
        /// - Parameter rawValue: The kebab-case identifier, for example `wrong-type`.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The raw value.
        public var description: String { rawValue }
    }
}

// MARK: - Shared by several readers

extension Diagnostic.Code {
    /// A value has the wrong JSON type and was coerced or replaced (`wrong-type`).
    public static let wrongType = Self(rawValue: "wrong-type")
    /// A value has the wrong JSON type and cannot be used (`invalid-type`); an error.
    public static let invalidType = Self(rawValue: "invalid-type")
    /// A required field is absent and a default was used (`missing-field`).
    public static let missingField = Self(rawValue: "missing-field")
    /// A name is empty (`empty-name`).
    public static let emptyName = Self(rawValue: "empty-name")
    /// A field a conversion could not keep (`lost-field`).
    public static let lostField = Self(rawValue: "lost-field")
    /// More repairs of one code than are listed one by one; the message gives the code and the count
    /// (`more-diagnostics`).
    public static let moreDiagnostics = Self(rawValue: "more-diagnostics")
}

// MARK: - JSON parsing

extension Diagnostic.Code {
    /// A UTF-8 byte-order mark preceded the document and was stripped (`bom`).
    public static let byteOrderMark = Self(rawValue: "bom")
    /// An object held the same key twice (`duplicate-key`).
    public static let duplicateKey = Self(rawValue: "duplicate-key")
    /// More duplicate keys than are listed one by one (`more-duplicate-keys`).
    public static let moreDuplicateKeys = Self(rawValue: "more-duplicate-keys")

    /// The code of a warning the JSON parser reports.
    /// - Parameter kind: The parser's warning kind.
    package init(_ kind: JSONWarning.Kind) {
        switch kind {
        case .byteOrderMark: self = .byteOrderMark
        case .duplicateKey: self = .duplicateKey
        case .moreDuplicateKeys: self = .moreDuplicateKeys
        }
    }
}

// MARK: - Card reading and normalising

extension Diagnostic.Code {
    /// A V1 card: fields at the root (`v1`).
    public static let v1 = Self(rawValue: "v1")
    /// A V2 card whose fields sit at the root instead of under `data` (`flat-v2`).
    public static let flatV2 = Self(rawValue: "flat-v2")
    /// The input holds a different card version than the one expected (`unexpected-spec`).
    public static let unexpectedSpec = Self(rawValue: "unexpected-spec")
    /// `spec` is not a known card spec (`unknown-spec`).
    public static let unknownSpec = Self(rawValue: "unknown-spec")
    /// `spec` names V2 or V3 but there is no `data`; the root is read as flat V2 (`missing-data`).
    public static let missingData = Self(rawValue: "missing-data")
    /// `spec_version` is newer than CardKit knows (`newer-spec-version`).
    public static let newerSpecVersion = Self(rawValue: "newer-spec-version")
    /// `spec_version` is missing or not the expected one (`spec-version`).
    public static let specVersion = Self(rawValue: "spec-version")
    /// A V2 or V3 card also carries V1 fields at the root (`root-v1-fields`).
    public static let rootV1Fields = Self(rawValue: "root-v1-fields")
    /// A root V1 field disagrees with its `data` counterpart (`root-disagrees`).
    public static let rootDisagrees = Self(rawValue: "root-disagrees")
    /// A field new in a later spec was set to its default (`upgrade-default`).
    public static let upgradeDefault = Self(rawValue: "upgrade-default")
    /// `character_book` is null and treated as absent (`null-book`).
    public static let nullBook = Self(rawValue: "null-book")
}

// MARK: - Spec conversion

extension Diagnostic.Code {
    /// Root V1 fields were dropped when converting (`root-v1-fields-dropped`).
    public static let rootV1FieldsDropped = Self(rawValue: "root-v1-fields-dropped")
    /// V3-only fields were kept in extensions on a downgrade to V2 (`v3-fields-kept`).
    public static let v3FieldsKept = Self(rawValue: "v3-fields-kept")
    /// V3-only fields were restored from extensions on an upgrade to V3 (`v3-fields-restored`).
    public static let v3FieldsRestored = Self(rawValue: "v3-fields-restored")
}

// MARK: - Personas

extension Diagnostic.Code {
    /// The persona file's `version` is newer than CardKit knows (`newer-persona-version`).
    public static let newerPersonaVersion = Self(rawValue: "newer-persona-version")
}

// MARK: - PNG

extension Diagnostic.Code {
    /// A chunk's CRC does not match; read anyway (`png-bad-crc`).
    public static let pngBadCRC = Self(rawValue: "png-bad-crc")
    /// A critical chunk type CardKit does not know (`png-unknown-critical-chunk`).
    public static let pngUnknownCriticalChunk = Self(rawValue: "png-unknown-critical-chunk")
    /// Bytes follow the `IEND` chunk (`png-trailing-bytes`).
    public static let pngTrailingBytes = Self(rawValue: "png-trailing-bytes")
    /// The PNG has no `IDAT` chunk (`png-no-image-data`).
    public static let pngNoImageData = Self(rawValue: "png-no-image-data")
    /// A text chunk without a valid keyword; ignored (`png-malformed-text-chunk`).
    public static let pngMalformedTextChunk = Self(rawValue: "png-malformed-text-chunk")
    /// An asset chunk cannot be decoded; skipped (`png-bad-asset-chunk`).
    public static let pngBadAssetChunk = Self(rawValue: "png-bad-asset-chunk")
    /// An unused card chunk cannot be decoded (`png-bad-card-chunk`).
    public static let pngBadCardChunk = Self(rawValue: "png-bad-card-chunk")
    /// More than one chunk carries the same card keyword (`png-duplicate-card-chunk`).
    public static let pngDuplicateCardChunk = Self(rawValue: "png-duplicate-card-chunk")
    /// The `chara` and `ccv3` chunks hold different cards (`png-chara-ccv3-disagree`).
    public static let pngCharaCCV3Disagree = Self(rawValue: "png-chara-ccv3-disagree")
    /// The card's base64 holds whitespace (`png-base64-whitespace`).
    public static let pngBase64Whitespace = Self(rawValue: "png-base64-whitespace")
    /// The card's base64 uses the URL-safe alphabet (`png-base64-url-safe`).
    public static let pngBase64URLSafe = Self(rawValue: "png-base64-url-safe")
    /// The card's base64 lacks its `=` padding (`png-base64-missing-padding`).
    public static let pngBase64MissingPadding = Self(rawValue: "png-base64-missing-padding")
    /// libpng reported a warning while decoding the image (`png-libpng-warning`).
    public static let pngLibPNGWarning = Self(rawValue: "png-libpng-warning")
    /// libpng dropped a text chunk that CardKit read (`png-libpng-dropped-text`).
    public static let pngLibPNGDroppedText = Self(rawValue: "png-libpng-dropped-text")
}

// MARK: - CharX

extension Diagnostic.Code {
    /// The ZIP archive starts after a prefix, such as a PNG (`zip-after-prefix`).
    public static let zipAfterPrefix = Self(rawValue: "zip-after-prefix")
    /// The archive holds the same path twice (`duplicate-entry`).
    public static let duplicateEntry = Self(rawValue: "duplicate-entry")
    /// `__MACOSX/` entries were skipped (`macosx-skipped`).
    public static let macOSXSkipped = Self(rawValue: "macosx-skipped")
    /// `card.json` is not at the archive root (`card-json-not-at-root`).
    public static let cardJSONNotAtRoot = Self(rawValue: "card-json-not-at-root")
    /// Archive files no asset refers to (`unreferenced-files`).
    public static let unreferencedFiles = Self(rawValue: "unreferenced-files")
    /// `embedded://` read as the spec's `embeded://` (`embedded-spelling`).
    public static let embeddedSpelling = Self(rawValue: "embedded-spelling")
    /// An asset was matched to an archive entry by its path's suffix only (`asset-suffix-match`).
    public static let assetSuffixMatch = Self(rawValue: "asset-suffix-match")
    /// No archive entry for an asset URI (`asset-missing`).
    public static let assetMissing = Self(rawValue: "asset-missing")
    /// A `data:` URI is malformed or too large (`asset-data-uri`).
    public static let assetDataURI = Self(rawValue: "asset-data-uri")
    /// An asset URI scheme CardKit does not read (`asset-unsupported-uri`).
    public static let assetUnsupportedURI = Self(rawValue: "asset-unsupported-uri")
    /// The main icon was pointed at the packed image when writing (`icon-replaced`).
    public static let iconReplaced = Self(rawValue: "icon-replaced")
}

// MARK: - Legacy formats, lorebooks and World Info

extension Diagnostic.Code {
    /// A text-generation-webui YAML character (`text-generation-webui`).
    public static let textGenerationWebUI = Self(rawValue: "text-generation-webui")
    /// A Pygmalion/Gradio character (`pygmalion`).
    public static let pygmalion = Self(rawValue: "pygmalion")
    /// TavernAI folder JSON (`tavernai-folder`).
    public static let tavernAIFolder = Self(rawValue: "tavernai-folder")
    /// An avatar that lives outside the file (`external-avatar`).
    public static let externalAvatar = Self(rawValue: "external-avatar")
    /// Legacy example dialogue read as `mes_example` (`example-dialogue`).
    public static let exampleDialogue = Self(rawValue: "example-dialogue")
    /// A legacy field mapped to a card field (`mapped-field`).
    public static let mappedField = Self(rawValue: "mapped-field")
    /// Extra legacy fields kept under `extensions` (`kept-in-extensions`).
    public static let keptInExtensions = Self(rawValue: "kept-in-extensions")
    /// A bare character book without the `lorebook_v3` wrapper (`bare-book`).
    public static let bareBook = Self(rawValue: "bare-book")
    /// Book-only fields restored from World Info's `originalData` (`original-data`).
    public static let originalData = Self(rawValue: "original-data")
    /// Book fields World Info has no place for, kept in `originalData` (`kept-in-original-data`).
    public static let keptInOriginalData = Self(rawValue: "kept-in-original-data")
    /// An entry id used twice; the later entry wins (`duplicate-id`).
    public static let duplicateID = Self(rawValue: "duplicate-id")
}

// MARK: - Platforms

extension Diagnostic.Code {
    /// A platform conversion dropped a value (`lost-dropped`).
    public static let lostDropped = Self(rawValue: "lost-dropped")
    /// A platform conversion folded a value into another field (`lost-merged`).
    public static let lostMerged = Self(rawValue: "lost-merged")
    /// A platform conversion cut a value to a length limit (`lost-truncated`).
    public static let lostTruncated = Self(rawValue: "lost-truncated")
    /// A platform conversion changed a value to fit (`lost-coerced`).
    public static let lostCoerced = Self(rawValue: "lost-coerced")
    /// The output breaks a platform limit CardKit cannot repair (`lost-limit`).
    public static let lostLimit = Self(rawValue: "lost-limit")
    /// More personas than the import limit; the rest are skipped (`too-many-personas`).
    public static let tooManyPersonas = Self(rawValue: "too-many-personas")
    /// An avatar id not safe to use as a path (`unsafe-avatar-id`).
    public static let unsafeAvatarID = Self(rawValue: "unsafe-avatar-id")
    /// An avatar file that cannot be read (`avatar-unreadable`).
    public static let avatarUnreadable = Self(rawValue: "avatar-unreadable")
    /// An avatar file that is not there (`avatar-missing`).
    public static let avatarMissing = Self(rawValue: "avatar-missing")
    /// A persona description without a persona (`orphan-description`).
    public static let orphanDescription = Self(rawValue: "orphan-description")
    /// The default persona is not among the personas (`unknown-default`).
    public static let unknownDefault = Self(rawValue: "unknown-default")
}
