import Foundation

extension ConversionInput {
    // MARK: - CharX

    /// A CharX archive: a CharX input keeps every file (referenced or not) with its card normalized to V3; a PNG
    /// input's image becomes the main icon, without the card chunks (the card is in `card.json`).
    func convertToCharX() throws(CardFileError) -> ConversionResult {
        if case .charx = CardFormatSniffer.detect(data: data) {
            let document: CharXDocument
            do {
                var charxOptions = CharXReadOptions()
                charxOptions.card.strict = options.load.read.strict
                charxOptions.card.json = options.load.read.json
                document = try CharXReader.read(data: data, options: charxOptions)
            } catch {
                throw CardFileError(path: path, kind: .invalidContainer, reason: error.description)
            }
            let conversion = document.card.card.converted(to: .v3)
            let bytes = try charxBytes { () throws(CharXError) in
                try CharXWriter.write(card: conversion.card, files: document.files)
            }
            return ConversionResult(
                target: .charx, output: ConversionFile(bytes: bytes),
                diagnostics: document.allDiagnostics + conversion.diagnostics)
        }
        let loaded = try loadCard()
        var icon: Data? = nil
        if loaded.container == .png {
            let stripped = try? PNGCardWriter.embed([], into: loaded.fileBytes)
            icon = stripped.map { Data($0.png) } ?? loaded.fileBytes
        }
        var packedDiagnostics: [Diagnostic] = []
        let bytes = try charxBytes { () throws(CharXError) in
            let packed = try CharXWriter.pack(card: loaded.card, mainIcon: icon, ext: "png")
            packedDiagnostics = packed.diagnostics
            return packed.data
        }
        return ConversionResult(
            target: .charx, output: ConversionFile(bytes: bytes), diagnostics: loaded.diagnostics + packedDiagnostics)
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
        return ConversionResult(
            target: target, output: ConversionFile(bytes: jsonBytes(value)), diagnostics: diagnostics)
    }

    private func parseJSON() throws(CardFileError) -> JSONValue {
        do {
            return try JSONParser.parse(data, options: options.load.read.json).value
        } catch {
            throw CardFileError(path: path, kind: .invalidJSON, reason: "invalid JSON: \(error)")
        }
    }
}
