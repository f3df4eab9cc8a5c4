package import CardFormats
import CardKitJSON
package import CardModel
package import Foundation

/// A card read for authoring: the loaded file, its V3 value, and for a CharX the whole archive.
///
/// Every authoring call compares and edits the V3 value (`card.converted(to: .v3)`), so that a PNG, the JSON it
/// holds and a CharX of the same card are the same card.
package struct AuthoringSource: Sendable {
    /// The file as loaded.
    package var loaded: LoadedCard
    /// The card as V3 (the root copies of the V1 fields left out).
    package var v3: Card
    /// For a CharX, the archive with every file.
    package var charx: CharXDocument?

    /// The input's name.
    package var path: String { loaded.path }

    /// Reads a card for authoring, refusing a card whose reading found errors.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - path: The name used in messages.
    ///   - options: Reading limits and policies.
    /// - Returns: The card, its V3 value and its archive.
    /// - Throws: ``CardAuthoringError`` naming `path`.
    package static func load(data: Data, path: String, options: CardLoadOptions) throws(CardAuthoringError)
        -> AuthoringSource
    {
        let loaded: LoadedCard
        do {
            loaded = try CardFileLoader.loadWithoutErrors(data: data, path: path, options: options)
        } catch {
            throw CardAuthoringError(error)
        }
        // The loader keeps a CharX archive it read, so it is not read twice.
        return AuthoringSource(loaded: loaded, v3: loaded.card.converted(to: .v3).card, charx: loaded.charx)
    }

    /// Reads a card file for authoring.
    ///
    /// - Parameters:
    ///   - input: The file.
    ///   - options: Reading limits and policies.
    /// - Returns: The card, its V3 value and its archive.
    /// - Throws: ``CardAuthoringError`` naming the file.
    package static func load(_ input: CardInput, options: CardLoadOptions) throws(CardAuthoringError)
        -> AuthoringSource
    {
        let data: Data
        do {
            data = try input.read(limit: options.maxFileSize)
        } catch {
            throw CardAuthoringError(error)
        }
        return try load(data: data, path: input.path, options: options)
    }
}
