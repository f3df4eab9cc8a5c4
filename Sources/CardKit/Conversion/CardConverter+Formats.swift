import Foundation

extension ConversionInput {
    // MARK: - CharX

    /// A CharX archive (``CardPackage/charx()``): a CharX input keeps every file, referenced or not, with its card
    /// normalized to V3; a PNG input's image becomes the main icon and its asset chunks become entries; a card
    /// without an image gets the default avatar as its icon.
    func convertToCharX() throws(CardFileError) -> ConversionResult {
        let loaded = try loadCard()
        let package = CardPackage(loaded)
        let written: CardPackage.Written
        do {
            written = try package.charx()
        } catch {
            throw CardFileError(path: path, kind: .invalidContainer, reason: error.description)
        }
        return result(
            .charx, bytes: written.bytes, loaded: loaded, diagnostics: package.diagnostics + written.diagnostics,
            losses: written.losses)
    }

    // MARK: - Books

    /// A standalone V3 lorebook or a SillyTavern World Info file.
    ///
    /// The input is World Info, a lorebook, a bare character book, or a card with a book. World Info to World Info
    /// is written back as read.
    func convertBook(to target: ConversionTarget) throws(CardFileError) -> ConversionResult {
        var diagnostics: [Diagnostic] = []
        let book: CharacterBook
        var worldInfo: JSONValue? = nil
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        switch CardFormatSniffer.detect(data: data) {
        case .worldInfo:
            let json = try parseJSON()
            worldInfo = json
            do {
                let converted = try WorldInfoConverter.book(fromWorldInfo: json, name: isStandardInput ? nil : stem)
                book = converted.book
                diagnostics += converted.diagnostics
            } catch {
                throw CardFileError(path: path, kind: .notACard, reason: error.description)
            }
        case .lorebookV3, .characterBook:
            let json = try parseJSON()
            do {
                let read = try LorebookFile.read(json: json)
                book = read.book
                diagnostics += read.diagnostics
            } catch {
                throw CardFileError(path: path, kind: .notACard, reason: error.description)
            }
        case .charx, .otherZIP, .textGenerationWebUIYAML, .pygmalionJSON, .tavernAIFolderJSON, .unknown:
            let loaded = try loadCard()
            guard let cardBook = loaded.card.characterBook else {
                throw CardFileError(path: path, kind: .notACard, reason: "the card has no character book")
            }
            diagnostics += loaded.diagnostics
            var named = cardBook
            if named.name == nil { named.object["name"] = .string("\(loaded.card.name)'s Lorebook") }
            book = named
        }
        let value: JSONValue
        if target == .book {
            value = LorebookFile.json(for: book)
        } else if let worldInfo {
            value = worldInfo
        } else {
            let converted = WorldInfoConverter.worldInfo(fromBook: book)
            value = converted.worldInfo
            diagnostics += converted.diagnostics
        }
        return result(target, bytes: jsonBytes(value), loaded: nil, diagnostics: diagnostics, losses: [])
    }

    private func parseJSON() throws(CardFileError) -> JSONValue {
        do {
            return try JSONParser.parse(data, options: options.load.read.json).value
        } catch {
            throw CardFileError(path: path, kind: .invalidJSON, reason: "invalid JSON: \(error)")
        }
    }
}
