// The umbrella module: everything a program needs to read, convert, validate and write cards.
@_exported import CardFormats
@_exported import CardKitFiles
@_exported import CardKitJSON
@_exported import CardModel
@_exported import CardPNG
@_exported import CardPlatforms
@_exported import CardSchemas

/// The version of CardKit: what `cardkit --version` prints and the HTTP API reports.
public enum CardKitVersion {
    /// The version string.
    public static let current = "0.1.0"
}
