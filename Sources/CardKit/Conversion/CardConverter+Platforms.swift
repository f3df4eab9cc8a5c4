import CardPlatforms
import Foundation

extension ConversionInput {
    /// A platform character or persona object.
    ///
    /// Persona files (`"type": "cardkit_persona"`) become platform personas. A relative avatar is resolved beside
    /// the input: with ``ConversionOptions/includeCompanionFiles`` its bytes come back as a companion file and the
    /// object names it by file name, otherwise the object names its path. Chattr and NextChat have no personas,
    /// which fails the input with that reason. Every loss is a `lost-field` warning and an entry of the report.
    func convert(to platform: Platform) throws(CardFileError) -> ConversionResult {
        if PersonaReader.isPersona(bytes: data) {
            return try convertPersona(to: platform)
        }
        let loaded = try loadCard()
        let conversion = PlatformConverter.convert(loaded.card, to: platform, options: options.platform)
        return result(conversion, diagnostics: loaded.diagnostics, kind: .card)
    }

    private func convertPersona(to platform: Platform) throws(CardFileError) -> ConversionResult {
        let read: PersonaReadResult
        do {
            read = try PersonaReader.read([UInt8](data), options: options.load.read.json)
        } catch {
            throw CardFileError(path: path, kind: .notACard, reason: error.description)
        }
        var platformOptions = options.platform
        var companions: [ConversionFile] = []
        if let avatar = read.persona.avatar, ImageReference.isLocalPath(avatar), !isStandardInput {
            let source = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(avatar)
            if options.includeCompanionFiles, let bytes = try? Data(contentsOf: source) {
                let name = (avatar as NSString).lastPathComponent
                companions.append(ConversionFile(name: name, bytes: [UInt8](bytes)))
                platformOptions.avatar = name
            } else {
                platformOptions.avatar = source.path
            }
        }
        let conversion: PlatformConversion
        do {
            conversion = try PlatformConverter.convert(read.persona, to: platform, options: platformOptions)
        } catch {
            throw CardFileError(path: path, kind: .unsupportedFormat, reason: error.message)
        }
        var converted = result(conversion, diagnostics: read.diagnostics, kind: .persona)
        converted.companions = companions
        return converted
    }

    private func result(_ conversion: PlatformConversion, diagnostics: [Diagnostic], kind: ConversionInputKind)
        -> ConversionResult
    {
        let losses = conversion.report.entries.map { entry in
            Diagnostic(
                .warning, code: .lostField, pointer: entry.pointer,
                "\(conversion.report.platform.displayName): \(entry.kind.rawValue): \(entry.reason)")
        }
        return ConversionResult(
            target: .platform(conversion.report.platform), output: ConversionFile(bytes: jsonBytes(conversion.output)),
            diagnostics: diagnostics + losses, lossReport: conversion.report, inputKind: kind)
    }
}
