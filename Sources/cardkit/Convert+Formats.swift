import CardKit
import Foundation

extension ConvertCommand {
    /// Converts one input to a CharX archive, a character book or a SillyTavern World Info file (`to` says which).
    func convertWithFormats(_ item: CardInput) throws -> ConvertOutput {
        let data = try item.read(limit: input.loadOptions.maxFileSize)
        let detected = CardFormatSniffer.detect(data: data)
        switch to {
        case .charx: return try convertToCharX(item, data: data, detected: detected)
        case .book, .worldinfo: return try convertBook(item, data: data, detected: detected)
        default:
            throw CardFileError(
                path: item.path, kind: .unsupportedFormat, reason: "\(to.rawValue) is not a CardFormats target")
        }
    }

    // MARK: - CharX

    private func convertToCharX(_ item: CardInput, data: Data, detected: DetectedFormat) throws -> ConvertOutput {
        if case .charx = detected {
            // CharX to CharX: the card normalized to V3, every file (referenced or not) kept.
            let document: CharXDocument
            do {
                var options = CharXReadOptions()
                options.card.strict = input.strict
                document = try CharXReader.read(data: data, options: options)
            } catch {
                throw CardFileError(path: item.path, kind: .invalidContainer, reason: error.description)
            }
            let conversion = document.card.card.converted(to: .v3)
            let bytes = try charxBytes(item) { () throws(CharXError) in
                try CharXWriter.write(card: conversion.card, files: document.files)
            }
            return ConvertOutput(
                bytes: bytes, fileExtension: "charx", diagnostics: document.allDiagnostics + conversion.diagnostics)
        }
        let loaded = try load(item)
        var icon: Data? = nil
        if loaded.container == .png {
            // The image becomes the main icon, without the card chunks (the card is in card.json).
            let stripped = try? PNGCardWriter.embed([], into: loaded.fileBytes)
            icon = stripped.map { Data($0.png) } ?? loaded.fileBytes
        }
        var packedDiagnostics: [Diagnostic] = []
        let bytes = try charxBytes(item) { () throws(CharXError) in
            let packed = try CharXWriter.pack(card: loaded.card, mainIcon: icon, ext: "png")
            packedDiagnostics = packed.diagnostics
            return packed.data
        }
        return ConvertOutput(bytes: bytes, fileExtension: "charx", diagnostics: loaded.diagnostics + packedDiagnostics)
    }

    private func charxBytes(_ item: CardInput, _ body: () throws(CharXError) -> Data) throws(CardFileError) -> [UInt8] {
        do {
            return [UInt8](try body())
        } catch {
            throw CardFileError(path: item.path, kind: .invalidContainer, reason: error.description)
        }
    }

    // MARK: - Books

    private func convertBook(_ item: CardInput, data: Data, detected: DetectedFormat) throws -> ConvertOutput {
        var diagnostics: [Diagnostic] = []
        let book: CharacterBook
        var worldInfo: JSONValue? = nil
        let stem = ((item.path as NSString).lastPathComponent as NSString).deletingPathExtension
        switch detected {
        case .worldInfo:
            let json = try parseJSON(item, data)
            worldInfo = json
            do {
                let converted = try WorldInfoConverter.book(
                    fromWorldInfo: json, name: item.isStandardInput ? nil : stem)
                book = converted.0
                diagnostics += converted.1
            } catch {
                throw CardFileError(path: item.path, kind: .notACard, reason: error.description)
            }
        case .lorebookV3, .characterBook:
            do {
                let read = try LorebookFile.read(json: parseJSON(item, data))
                book = read.0
                diagnostics += read.1
            } catch let error as CardFormatError {
                throw CardFileError(path: item.path, kind: .notACard, reason: error.description)
            }
        default:
            let loaded = try load(item)
            guard let cardBook = loaded.card.characterBook else {
                throw CardFileError(path: item.path, kind: .notACard, reason: "the card has no character book")
            }
            diagnostics += loaded.diagnostics
            var named = cardBook
            if named.name == nil { named.object["name"] = .string("\(loaded.card.name)'s Lorebook") }
            book = named
        }
        let value: JSONValue
        if to == .book {
            value = LorebookFile.json(for: book)
        } else if let worldInfo {
            value = worldInfo
        } else {
            let converted = WorldInfoConverter.worldInfo(fromBook: book)
            value = converted.0
            diagnostics += converted.1
        }
        return ConvertOutput(bytes: jsonBytes(value), fileExtension: "json", diagnostics: diagnostics)
    }

    private func parseJSON(_ item: CardInput, _ data: Data) throws(CardFileError) -> JSONValue {
        do {
            return try JSONParser.parse(data, options: input.loadOptions.read.json).value
        } catch {
            throw CardFileError(path: item.path, kind: .invalidJSON, reason: "invalid JSON: \(error)")
        }
    }
}
