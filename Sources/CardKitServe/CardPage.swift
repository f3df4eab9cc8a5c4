import CardKit
import CardKitJSON
import CardModel
import CardPlatforms
import CardSchemas
import Foundation

/// The card page: every field, the lorebook, assets, diagnostics, both validation profiles, and for each platform
/// what converting would lose, with downloads in every target.
enum CardPage {
    /// The long text fields in the order the page shows them.
    static let textFields: [(key: String, label: String)] = [
        ("description", "Description"), ("personality", "Personality"), ("scenario", "Scenario"),
        ("first_mes", "First message"), ("mes_example", "Example messages"), ("creator_notes", "Creator notes"),
        ("system_prompt", "System prompt"), ("post_history_instructions", "Post-history instructions"),
    ]

    /// What the page is made from.
    struct Input {
        /// The collection's entry.
        var entry: CollectionEntry
        /// The file's bytes.
        var data: Data
        /// The collection's folder, for the header.
        var folder: String
        /// Whether the Edit button is shown.
        var allowEdit: Bool
        /// The newest backup's relative path, when there is one.
        var backup: String?
        /// The backup just written by a save, to say so.
        var saved: String?
    }

    /// Renders the page of a card or lorebook file.
    ///
    /// - Parameter input: The card and the page's settings.
    /// - Returns: The HTML, or `nil` when the file is not a card (the caller shows its error).
    static func render(_ input: Input) -> String? {
        let path = input.entry.path
        let options = CardLoadOptions()
        var view: [String: Any] = [
            "page": "card", "folder": input.folder, "path": path, "name": input.entry.name,
            "avatar": Links.avatar(input.entry), "saved": input.saved ?? false,
            "editHref": input.allowEdit && input.entry.kind == "card" ? Links.edit(path) : false,
            "backupDiffHref": input.backup.map { Links.diff($0, path) } ?? false,
            "diffHref": Links.diff(path),
            "validation": validation(input.data, path: path, options: options),
        ]
        var downloads: [ConversionTarget]
        switch CardInspector.inspect(data: input.data, path: path, options: options) {
        case .failure:
            return nil
        case .lorebook(let summary):
            view["container"] = "json"
            view["format"] = summary.shape
            view["spec"] = "lorebook"
            view["creator"] = false
            view["version"] = false
            view["tags"] = [Any]()
            view["diagnostics"] = summary.diagnostics.map(diagnosticRow)
            view["fields"] = [Any]()
            view["greetings"] = [Any]()
            view["book"] = book(summary.book)
            view["assets"] = [Any]()
            view["chunks"] = [Any]()
            view["platforms"] = [Any]()
            view["json"] = JSONWriter.string(.object(summary.book.object), style: .pretty)
            downloads = [.book, .worldInfo]
        case .card(let summary):
            let loaded = summary.loaded
            let v3 = loaded.card.converted(to: .v3).card
            view["container"] = loaded.container.rawValue
            view["format"] = loaded.format
            view["spec"] = loaded.card.spec.rawValue
            view["creator"] = v3.creator.isEmpty ? false : v3.creator
            view["version"] = v3.characterVersion.isEmpty ? false : v3.characterVersion
            view["tags"] = v3.tags.map { ["name": $0, "href": Links.tag($0)] }
            view["diagnostics"] = loaded.diagnostics.map(diagnosticRow)
            view["fields"] = textFields.compactMap { field -> [String: Any]? in
                guard let text = v3[field: field.key]?.stringValue, !text.isEmpty else { return nil }
                return [
                    "key": field.key, "label": field.label, "length": text.count, "long": text.count > 1500,
                    "html": HTMLText.highlightingMacros(text),
                ]
            }
            view["greetings"] = v3.alternateGreetings.map { ["html": HTMLText.highlightingMacros($0)] }
            view["book"] = v3.characterBook.map(book) ?? false
            view["assets"] = assets(v3, loaded: loaded)
            view["chunks"] = (loaded.pngScan?.assets ?? []).map { ["name": $0.name, "size": $0.data.count] }
            let conversions = CardConverter.convert(data: input.data, path: path, toPlatforms: Platform.allCases)
            view["platforms"] = zip(Platform.allCases, conversions).map { platform($0, path: path, conversion: $1) }
            view["json"] = JSONWriter.string(v3.json, style: .pretty)
            downloads = [.card(.v2), .card(.v3), .png, .charx]
            if v3.characterBook != nil { downloads += [.book, .worldInfo] }
            downloads += Platform.allCases.map { .platform($0) }
        }
        view["downloads"] = downloads.map { target -> [String: Any] in
            ["target": target.name, "label": label(target), "href": Links.download(path, to: target.name)]
        }
        return PageTemplates.render("card", view)
    }

    /// A target's name for people.
    static func label(_ target: ConversionTarget) -> String {
        switch target {
        case .card(let spec): "\(spec.rawValue.uppercased()) JSON"
        case .png: "PNG card"
        case .charx: "CharX"
        case .book: "Lorebook (V3)"
        case .worldInfo: "World Info"
        case .platform(let platform): platform.displayName
        }
    }

    private static func diagnosticRow(_ diagnostic: Diagnostic) -> [String: Any] {
        [
            "severity": diagnostic.severity.rawValue, "code": diagnostic.code.rawValue,
            "pointer": diagnostic.pointer?.description ?? "", "message": diagnostic.message,
        ]
    }

    private static func validation(_ data: Data, path: String, options: CardLoadOptions) -> [[String: Any]] {
        CardSchemaProfile.allCases.map { profile in
            let record = DocumentValidator.record(
                data: data, file: path, selection: .auto, profile: profile, options: options)
            return [
                "profile": profile == .strict ? "Strict profile" : "Lenient profile",
                "valid": record.isValid,
                "verdict": record.isValid ? "passes" : record.failure != nil ? "cannot be checked" : "fails",
                "schema": record.schema ?? false, "failure": record.failure ?? false,
                "errors": record.errors.map { violation -> [String: Any] in
                    ["pointer": violation.instanceLocation.description, "message": violation.message]
                },
            ]
        }
    }

    private static func book(_ book: CharacterBook) -> [String: Any] {
        [
            "bookName": book.name.flatMap { $0.isEmpty ? nil : $0 } ?? false,
            "entryCount": book.entries.count,
            "entries": book.entries.enumerated().map { index, entry -> [String: Any] in
                [
                    "number": index + 1, "keys": entry.keys.joined(separator: ", "),
                    "secondary": entry.secondaryKeys.joined(separator: ", "),
                    "enabled": entry.enabled ? "yes" : "no",
                    "constant": entry.constant == true ? "yes" : "no",
                    "order": entry.insertionOrder?.description ?? "", "position": entry.position ?? "",
                    "html": HTMLText.highlightingMacros(entry.content),
                ]
            },
        ]
    }

    private static func assets(_ card: Card, loaded: LoadedCard) -> [[String: Any]] {
        card.assets.map { asset -> [String: Any] in
            var file = ""
            if asset.uri == "ccdefault:" {
                file = "the card's own image"
            } else if let charx = loaded.charx {
                if let found = charx.assets.first(where: { $0.uri == asset.uri }), let bytes = found.bytes {
                    file = "\(found.path ?? asset.uri), \(bytes.count) bytes"
                } else {
                    file = "missing from the archive"
                }
            } else if asset.uri.hasPrefix("__asset:") {
                let name = String(asset.uri.dropFirst("__asset:".count))
                if let chunk = loaded.pngScan?.assets.last(where: { $0.name == name }) {
                    file = "PNG chunk \(chunk.name), \(chunk.data.count) bytes"
                } else {
                    file = "missing: no such PNG chunk"
                }
            } else if asset.uri.hasPrefix("http://") || asset.uri.hasPrefix("https://") {
                file = "on the web (not fetched)"
            }
            return ["type": asset.type, "name": asset.name, "ext": asset.ext, "uri": asset.uri, "file": file]
        }
    }

    private static func platform(
        _ platform: Platform, path: String, conversion: Result<ConversionResult, CardFileError>
    ) -> [String: Any] {
        let target = ConversionTarget.platform(platform)
        var view: [String: Any] = ["target": target.name, "label": platform.displayName]
        do {
            let result = try conversion.get()
            let entries = result.lossReport.entries
            view["verdict"] =
                entries.isEmpty ? "nothing lost" : "\(entries.count) \(entries.count == 1 ? "change" : "changes")"
            view["verdictClass"] = entries.isEmpty ? "ok" : "warn"
            view["refusal"] = false
            view["entries"] = entries.map { entry -> [String: Any] in
                ["kind": entry.kind.rawValue, "pointer": entry.pointer.description, "reason": entry.reason]
            }
            view["href"] = Links.download(path, to: target.name)
        } catch {
            view["verdict"] = "refused"
            view["verdictClass"] = "bad"
            view["refusal"] = error.reason
            view["entries"] = [Any]()
            view["href"] = false
        }
        return view
    }
}
