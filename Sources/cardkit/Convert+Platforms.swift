import ArgumentParser
import CardKit
import Foundation

extension ConvertTarget {
    /// The platform for the platform targets.
    var platform: Platform? { Platform(rawValue: rawValue) }
}

extension ConvertCommand {
    /// Converts one card or persona file to the platform named by `to` (spicychat, chattr, nextchat, characterai).
    ///
    /// Persona files (`"type": "cardkit_persona"`) become platform personas, with a relative avatar copied beside
    /// the output under `--out-dir`; Chattr and NextChat have no personas, which fails the input with that
    /// reason. Every loss becomes a `lost-field` warning (one summary line per input, all with `--verbose`), the
    /// report goes to `--report`, and `lossy` drives `--fail-on-loss`.
    func convertForPlatform(_ item: CardInput) throws -> ConvertOutput {
        guard let platform = to.platform else {
            throw CardFileError(path: item.path, kind: .unsupportedFormat, reason: "\(to.rawValue) is not a platform")
        }
        let data = try item.read()
        if PersonaReader.isPersona(bytes: data) {
            return try convertPersona(data, item: item, platform: platform)
        }
        let loaded = try CardFileLoader.load(data: data, path: item.path, options: input.loadOptions)
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        if let first = errors.first {
            throw CardFileError(path: item.path, kind: .notACard, reason: "invalid card: \(first)", diagnostics: errors)
        }
        let conversion = PlatformConverter.convert(loaded.card, to: platform, options: platformFlags.options)
        return output(conversion, diagnostics: loaded.diagnostics, kind: "card")
    }

    private func convertPersona(_ data: Data, item: CardInput, platform: Platform) throws -> ConvertOutput {
        let read: PersonaReadResult
        do {
            read = try PersonaReader.read([UInt8](data))
        } catch {
            throw CardFileError(path: item.path, kind: .notACard, reason: error.description)
        }
        var options = platformFlags.options
        var companions: [(name: String, bytes: [UInt8])] = []
        if let avatar = read.persona.avatar, !avatar.hasPrefix("data:"), !avatar.hasPrefix("http://"),
            !avatar.hasPrefix("https://"), !item.isStandardInput
        {
            let source = item.url.deletingLastPathComponent().appendingPathComponent(avatar)
            if outDir != nil, let bytes = try? Data(contentsOf: source) {
                let name = (avatar as NSString).lastPathComponent
                companions.append((name: name, bytes: [UInt8](bytes)))
                options.avatar = name
            } else {
                options.avatar = source.path
            }
        }
        let conversion: PlatformConversion
        do {
            conversion = try PlatformConverter.convert(read.persona, to: platform, options: options)
        } catch {
            throw CardFileError(path: item.path, kind: .unsupportedFormat, reason: error.message)
        }
        var result = output(conversion, diagnostics: read.diagnostics, kind: "persona")
        result.companions = companions
        return result
    }

    private func output(_ conversion: PlatformConversion, diagnostics: [Diagnostic], kind: String) -> ConvertOutput {
        let losses = conversion.report.entries.map { entry in
            Diagnostic(
                .warning, code: "lost-field", pointer: entry.pointer,
                "\(conversion.report.platform.displayName): \(entry.kind.rawValue): \(entry.reason)")
        }
        var report = conversion.report.jsonValue
        report["kind"] = .string(kind)
        report["summary"] = .string(conversion.report.summary)
        return ConvertOutput(
            bytes: jsonBytes(conversion.output), fileExtension: "json", diagnostics: diagnostics + losses,
            report: report, lossy: !conversion.report.isLossless)
    }
}

/// Flags that shape platform output (`convert --to spicychat|chattr|nextchat|characterai`).
struct PlatformFlags: ParsableArguments {
    @Option(help: "The avatar to reference in platform output (a relative path, data: URL or http(s) URL).")
    var avatar: String?

    @Option(help: "Spicychat visibility: private, unlisted or public.")
    var visibility: String = "private"

    @Flag(
        help: "Spicychat: append the system prompt and post-history instructions to `persona` instead of dropping them."
    )
    var inlineSystemPrompt = false

    @Option(help: "Character.AI title (default: the first line of the creator notes).")
    var title: String?

    @Flag(help: "Character.AI: turn <START> lines of the example dialogue into END_OF_DIALOG markers.")
    var dialogMarkers = false

    func validate() throws {
        if !["private", "unlisted", "public"].contains(visibility) {
            throw ValidationError("--visibility must be private, unlisted or public.")
        }
    }

    /// The converter options these flags ask for.
    var options: PlatformConversionOptions {
        var options = PlatformConversionOptions()
        options.avatar = avatar
        options.spicychatVisibility = visibility
        options.inlineSystemPrompt = inlineSystemPrompt
        options.characterAITitle = title
        options.characterAIDialogMarkers = dialogMarkers
        return options
    }
}
