import CardKit
import CardKitJSON
import CardModel
import Foundation

/// The edit form (text fields, tags, lorebook entries) and the edits a submitted form asks for.
enum EditPage {
    /// The fields the form edits: one-line ones first, then the long texts.
    static let fields: [(key: String, label: String, multiline: Bool)] =
        [("name", "Name", false), ("creator", "Creator", false), ("character_version", "Version", false)]
        + CardPage.textFields.map { ($0.key, $0.label, true) }

    /// Renders the form for a card.
    ///
    /// - Parameters:
    ///   - entry: The card's collection entry.
    ///   - card: The card as V3.
    ///   - token: The per-run token the form sends back.
    ///   - folder: The collection's folder, for the header.
    /// - Returns: The HTML.
    static func render(entry: CollectionEntry, card: Card, token: String, folder: String) -> String {
        let view: [String: Any] = [
            "page": "edit", "folder": folder, "name": entry.name, "path": entry.path, "token": token,
            "revision": revision(entry.stamp), "cardHref": Links.card(entry.path),
            "fields": fields.map { field -> [String: Any] in
                let value = card[field: field.key]?.stringValue ?? ""
                let lines = value.split(separator: "\n", omittingEmptySubsequences: false).count
                return [
                    "key": field.key, "label": field.label, "multiline": field.multiline, "value": value,
                    "rows": min(max(lines + 1, 3), 24),
                ]
            },
            "tags": card.tags.joined(separator: "\n"),
            "entries": (card.characterBook?.entries ?? []).enumerated().map { index, entry -> [String: Any] in
                [
                    "index": index, "number": index + 1, "keys": entry.keys.joined(separator: ", "),
                    "content": entry.content, "enabled": entry.enabled,
                ]
            },
        ]
        return PageTemplates.render("edit", view)
    }

    /// The revision a form was made from: the file's stamp, so a save over a file changed since is refused.
    static func revision(_ stamp: FileStamp) -> String { "\(stamp.size)-\(stamp.modified)-\(stamp.inode)" }

    /// The edits a submitted form asks for, against the card as it is now: only what differs.
    ///
    /// Browsers send a textarea's line breaks as CR LF; they are read as LF.
    ///
    /// - Parameters:
    ///   - form: The submitted fields.
    ///   - card: The card as V3.
    /// - Returns: The edits, in the form's order.
    static func edits(from form: FormFields, card: Card) -> [CardEdit] {
        var edits: [CardEdit] = []
        for field in fields {
            guard let submitted = form["field.\(field.key)"].map(normalized) else { continue }
            if submitted != (card[field: field.key]?.stringValue ?? "") {
                edits.append(.set(field: field.key, text: submitted))
            }
        }
        if let text = form["tags"] {
            let tags = normalized(text).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            if tags != card.tags { edits.append(.setJSON(field: "tags", value: .array(tags.map { .string($0) }))) }
        }
        for (index, entry) in (card.characterBook?.entries ?? []).enumerated()
        where form.contains("entry.\(index).present") {
            let base = "/data/character_book/entries/\(index)/"
            if let text = form["entry.\(index).keys"] {
                let keys = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
                if keys != entry.keys {
                    edits.append(.setJSON(field: base + "keys", value: .array(keys.map { .string($0) })))
                }
            }
            if let content = form["entry.\(index).content"].map(normalized), content != entry.content {
                edits.append(.set(field: base + "content", text: content))
            }
            let enabled = form["entry.\(index).enabled"] == "true"
            if enabled != entry.enabled { edits.append(.setJSON(field: base + "enabled", value: .bool(enabled))) }
        }
        return edits
    }

    private static func normalized(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n")
    }
}
