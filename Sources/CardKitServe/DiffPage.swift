import CardKit
import CardKitJSON

/// Two cards side by side: what `cardkit diff` reports, as a table.
enum DiffPage {
    /// The most characters of an old or new value shown in a cell.
    static let valueLimit = 4000

    /// What the page shows.
    struct Input {
        /// Every file that can be picked for A or B (relative paths with their labels).
        var choices: [(path: String, label: String)]
        /// A's and B's relative paths, when chosen.
        var a: String?
        var b: String?
        /// The comparison, when both were read.
        var result: CardDiffResult?
        /// Why the comparison could not be made.
        var problem: String?
        /// The collection's folder, for the header.
        var folder: String
    }

    /// Renders the page.
    ///
    /// - Parameter input: The choices and the comparison.
    /// - Returns: The HTML.
    static func render(_ input: Input) -> String {
        var view: [String: Any] = [
            "page": "diff", "folder": input.folder,
            "choicesA": choices(input.choices, selected: input.a),
            "choicesB": choices(input.choices, selected: input.b),
            "problem": input.problem ?? false,
            "compared": false,
        ]
        if let result = input.result, let a = input.a, let b = input.b {
            let all = result.changes + result.fileChanges
            view["compared"] =
                [
                    "a": a, "b": b,
                    "summary": all.isEmpty
                        ? "The cards are the same." : "\(all.count) \(all.count == 1 ? "difference" : "differences").",
                    "changes": all.map(row),
                ] as [String: Any]
        }
        return PageTemplates.render("diff", view)
    }

    private static func choices(_ choices: [(path: String, label: String)], selected: String?) -> [[String: Any]] {
        [["value": "", "label": "Choose a file", "selected": selected == nil]]
            + choices.map { ["value": $0.path, "label": $0.label, "selected": $0.path == selected] }
    }

    private static func row(_ change: CardChange) -> [String: Any] {
        [
            "kind": change.kind.rawValue, "what": change.what, "pointer": change.pointer?.description ?? "",
            "old": shown(change.old), "new": shown(change.new),
            "lines": (change.lineDiff ?? []).map { line -> [String: Any] in
                let kind = line.hasPrefix("+ ") ? "add" : line.hasPrefix("- ") ? "del" : "same"
                return ["class": kind, "text": line]
            },
        ]
    }

    private static func shown(_ value: JSONValue?) -> String {
        guard let value else { return "" }
        let text = value.stringValue ?? JSONWriter.string(value, style: .pretty)
        return text.count > valueLimit ? String(text.prefix(valueLimit)) + "…" : text
    }
}
