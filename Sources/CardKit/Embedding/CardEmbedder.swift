public import Foundation

/// How ``CardEmbedder`` reads the card and writes the PNG.
public struct EmbedOptions: Sendable, Hashable {
    /// How the card is read (strictness, limits); its PNG CRC policy also applies to the image.
    public var load: CardLoadOptions = CardLoadOptions()
    /// Write only the `ccv3` chunk, with no V2 `chara` backfill.
    public var v3Only: Bool = false
    /// Also write the six V1 fields at the root of the embedded cards, as SillyTavern does.
    public var withV1Fields: Bool = false

    /// The defaults: lenient reading, both chunks, no V1 fields.
    public init() {}
}

/// A card embedded into an image: the new PNG, and what reading and writing found.
public struct EmbedResult: Sendable {
    /// The new PNG: the image's chunks byte for byte, older card chunks removed, `chara` and `ccv3` before `IEND`.
    public var png: [UInt8]
    /// The card's name.
    public var cardName: String
    /// What reading and converting the card found (they concern the card's file).
    public var cardDiagnostics: [Diagnostic]
    /// What writing into the image found (they concern the image's file).
    public var imageDiagnostics: [Diagnostic]
    /// The older card chunks the image held, which the new ones replace.
    public var removedChunks: [PNGChunkLocation]
}

/// Puts a card into a PNG without touching the image data: `cardkit embed` as a library call.
public enum CardEmbedder {
    /// Embeds the card in `cardData` into the PNG in `imageData`.
    /// - Parameters:
    ///   - cardData: Any card file CardKit reads (JSON, PNG, CharX, YAML).
    ///   - cardPath: The card's name, used in messages.
    ///   - imageData: The PNG to embed into.
    ///   - imagePath: The image's name, used in messages.
    ///   - options: Reading and writing options.
    /// - Returns: The new PNG and the diagnostics of each input.
    /// - Throws: ``CardFileError`` naming the card (unreadable or invalid) or the image (not a well-formed PNG).
    public static func embed(
        cardData: Data, cardPath: String, imageData: Data, imagePath: String, options: EmbedOptions = .init()
    ) throws(CardFileError) -> EmbedResult {
        let loaded = try CardFileLoader.load(data: cardData, path: cardPath, options: options.load)
        if let problem = loaded.diagnostics.first(where: { $0.severity == .error }) {
            throw CardFileError(
                path: cardPath, kind: .notACard, reason: "invalid card: \(problem)", diagnostics: [problem])
        }
        let conversion = CardConversionOptions(withV1Fields: options.withV1Fields)
        let v3 = loaded.card.converted(to: .v3, options: conversion)
        let v2 = v3.card.converted(to: .v2, options: conversion)
        var writeOptions = PNGWriteOptions()
        writeOptions.input.crcPolicy = options.load.png.crcPolicy
        writeOptions.validateWithLibPNG = true
        let embedded: PNGEmbedResult
        do {
            embedded = try PNGCardWriter.embed(
                v2JSON: options.v3Only ? nil : JSONWriter.bytes(v2.card.json), v3JSON: JSONWriter.bytes(v3.card.json),
                into: imageData, options: writeOptions)
        } catch {
            throw CardFileError(path: imagePath, kind: .invalidContainer, reason: error.description)
        }
        return EmbedResult(
            png: embedded.png, cardName: loaded.card.name,
            cardDiagnostics: loaded.diagnostics + v3.diagnostics + (options.v3Only ? [] : v2.diagnostics),
            imageDiagnostics: embedded.diagnostics, removedChunks: embedded.removedChunks)
    }
}
