import Foundation

extension ConversionInput {
    // MARK: - CharX

    /// A CharX archive (``CardPackage/charx()``): a CharX input keeps every file, referenced or not, with its card
    /// normalized to V3; a PNG input's image becomes the main icon and its asset chunks become entries; a card
    /// without an image gets the default avatar as its icon.
    func convertToCharX() throws(CardFileError) -> ConversionResult {
        let loaded = try loadCard()
        let package = CardPackage(loaded)
        var written: CardPackage.Written? = nil
        let bytes = try charxBytes { () throws(CharXError) in
            let result = try package.charx()
            written = result
            return Data(result.bytes)
        }
        let (fieldLosses, others) = Self.splitLosses(package.diagnostics)
        return ConversionResult(
            target: .charx, output: ConversionFile(bytes: bytes),
            diagnostics: loaded.diagnostics
                + (others + (written?.diagnostics ?? [])).filter { !loaded.diagnostics.contains($0) },
            losses: fieldLosses + (written?.losses ?? []))
    }

    private func charxBytes(_ body: () throws(CharXError) -> Data) throws(CardFileError) -> [UInt8] {
        do {
            return [UInt8](try body())
        } catch {
            throw CardFileError(path: path, kind: .invalidContainer, reason: error.description)
        }
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
        let (losses, others) = Self.splitLosses(diagnostics)
        return ConversionResult(
            target: target, output: ConversionFile(bytes: jsonBytes(value)), diagnostics: others, losses: losses)
    }

    private func parseJSON() throws(CardFileError) -> JSONValue {
        do {
            return try JSONParser.parse(data, options: options.load.read.json).value
        } catch {
            throw CardFileError(path: path, kind: .invalidJSON, reason: "invalid JSON: \(error)")
        }
    }
}
