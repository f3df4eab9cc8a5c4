import CardKitJSON
import CardModel

/// What a platform accepts: characters, personas, or both.
public enum PlatformObjectKind: String, Sendable, Hashable, CaseIterable {
    /// Character cards.
    case character
    /// User personas.
    case persona
}

/// Everything CardKit knows about one platform, in one value: its names, what it accepts, the schemas its objects
/// must pass, and how cards and personas are converted to it and imported from it.
///
/// `convert`, `validate`, `upload` and the fakes read a platform only through its descriptor
/// (``Platform/descriptor``), so adding a platform is one `case` in ``Platform`` plus one descriptor; the steps are
/// in `docs/adding-a-platform.md`. The upload side (client, credential, default base URL) is CardKitUpload's
/// `UploadPlatform`, since only that target may use the HTTP client.
public struct PlatformDescriptor: Sendable {
    /// Converts a normalized card for the platform, reporting every loss into the context.
    typealias CharacterConversion = @Sendable (inout CardLossContext) -> JSONValue
    /// Converts a persona for the platform, reporting every loss into the report.
    typealias PersonaConversion = @Sendable (Persona, PlatformConversionOptions, inout LossReport) -> JSONValue
    /// Imports a platform character object as a V3 card.
    typealias CharacterImport = @Sendable (JSONValue) throws(PlatformError) -> Card

    /// The platform.
    public let platform: Platform
    /// The platform's name for messages, for example "Character.AI".
    public let displayName: String
    /// What the platform accepts.
    public let accepts: Set<PlatformObjectKind>
    /// The name of the schema (in `schemas/platforms/`) every converted character must pass.
    package let characterSchema: String
    /// The name of the schema every converted persona must pass; nil when the platform has no personas.
    package let personaSchema: String?
    let convertCharacter: CharacterConversion
    let convertPersona: PersonaConversion?
    let importCharacter: CharacterImport?

    init(
        platform: Platform, displayName: String, characterSchema: String,
        convertCharacter: @escaping CharacterConversion,
        persona: (schema: String, convert: PersonaConversion)? = nil,
        importCharacter: CharacterImport? = nil
    ) {
        self.platform = platform
        self.displayName = displayName
        self.accepts = persona == nil ? [.character] : [.character, .persona]
        self.characterSchema = characterSchema
        self.personaSchema = persona?.schema
        self.convertCharacter = convertCharacter
        self.convertPersona = persona?.convert
        self.importCharacter = importCharacter
    }

    /// The platform's name on the command line, in file names and in the HTTP API (the raw value).
    package var name: String { platform.rawValue }

    /// Whether characters can be imported from the platform's objects back into cards.
    public var importsCharacters: Bool { importCharacter != nil }

    /// The schema name for objects of `kind`; nil when the platform does not accept that kind.
    /// - Parameter kind: Characters or personas.
    /// - Returns: A schema name from `schemas/platforms/`.
    public func schema(for kind: PlatformObjectKind) -> String? {
        switch kind {
        case .character: characterSchema
        case .persona: personaSchema
        }
    }
}
