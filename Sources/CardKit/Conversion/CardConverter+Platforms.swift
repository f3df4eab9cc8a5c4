public import CardPlatforms
import CardSchemas
public import Foundation

extension CardConverter {
    /// Converts one input for several platforms, reading the card and normalizing it to V3 once for all of them.
    ///
    /// Each result is what ``convert(data:path:to:options:)`` gives for `.platform(platform)`: the same output,
    /// losses and refusals. A card that cannot be read fails every platform with the same error.
    /// - Parameters:
    ///   - data: The input file's bytes.
    ///   - path: The input's name, used in messages; `-` for standard input.
    ///   - platforms: The target platforms, in the order of the results.
    ///   - options: Reading and output options.
    /// - Returns: One result per platform, in the order given.
    public static func convert(
        data: Data, path: String, toPlatforms platforms: [Platform], options: ConversionOptions = .init()
    ) -> [Result<ConversionResult, CardFileError>] {
        ConversionInput(data: data, path: path, options: options).convert(to: platforms)
    }
}

extension ConversionInput {
    /// Platform character or persona objects, one per platform; a card is read and normalized once for all of them.
    ///
    /// Persona files (`"type": "cardkit_persona"`) become platform personas. A relative avatar is resolved beside
    /// the input: with ``ConversionOptions/includeCompanionFiles`` its bytes come back as a companion file and the
    /// object names it by file name, otherwise the object names its path. Chattr and NextChat have no personas,
    /// which fails the input with that reason. Every loss is a `lost-field` warning and an entry of the report.
    func convert(to platforms: [Platform]) -> [Result<ConversionResult, CardFileError>] {
        if PersonaReader.isPersona(bytes: data) {
            return platforms.map { platform in Result { () throws(CardFileError) in try convertPersona(to: platform) } }
        }
        let loaded: LoadedCard
        do {
            loaded = try loadCard()
        } catch {
            return platforms.map { _ in .failure(error) }
        }
        return PlatformConverter.convert(loaded.card, to: platforms, options: options.platform).map { conversion in
            Result { () throws(CardFileError) in try result(conversion, diagnostics: loaded.diagnostics, kind: .card) }
        }
    }

    /// The platform object for one platform, as ``convert(to:)-([Platform])`` makes it.
    func convert(to platform: Platform) throws(CardFileError) -> ConversionResult {
        try convert(to: [platform])[0].get()
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
        var converted = try result(conversion, diagnostics: read.diagnostics, kind: .persona)
        converted.companions = companions
        return converted
    }

    /// The result of a platform conversion, refused when the object would break a platform limit or fail the
    /// platform's schema: such an object is never returned.
    private func result(_ conversion: PlatformConversion, diagnostics: [Diagnostic], kind: ConversionInputKind)
        throws(CardFileError) -> ConversionResult
    {
        let platform = conversion.report.platform ?? .spicychat
        if let limit = conversion.unmetLimit {
            var error = CardFileError(path: path, kind: .platformLimit, reason: limit.reason)
            error.option = limit.option
            throw error
        }
        try checkSchema(conversion.output, platform: platform, kind: kind)
        return ConversionResult(
            target: .platform(platform), output: ConversionFile(bytes: jsonBytes(conversion.output)),
            diagnostics: diagnostics, losses: conversion.report.entries, inputKind: kind)
    }

    /// Refuses an object that fails the platform's schema (`schemas/platforms/`).
    private func checkSchema(_ output: JSONValue, platform: Platform, kind: ConversionInputKind) throws(CardFileError) {
        let objectKind: PlatformObjectKind = kind == .persona ? .persona : .character
        guard let name = platform.descriptor.schema(for: objectKind).flatMap(CardSchemaName.init(rawValue:)) else {
            return
        }
        let violation: String?
        do {
            violation = try CardValidator.firstViolation(of: output, schema: name)
        } catch {
            throw CardFileError(path: path, kind: .platformLimit, reason: "cannot check the \(name) schema: \(error)")
        }
        if let violation {
            throw CardFileError(
                path: path, kind: .platformLimit,
                reason: "the \(platform.displayName) object fails the \(name) schema: \(violation)")
        }
    }
}
