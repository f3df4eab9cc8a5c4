/// The examples every subcommand's help ends with: each runs as written in the repository's `samples/` folder,
/// and a test runs them all (`HelpExampleTests`).
enum Examples {
    /// Example command lines by subcommand (`schema list` for nested ones), each with what it shows.
    static let all: [String: [(line: String, says: String)]] = [
        "inspect": [
            ("cardkit inspect v2-archivist-with-lorebook.json", "one card in full"),
            ("cardkit inspect --brief .", "a line a card (the broken sample fails: exit 1)"),
            ("cardkit inspect --format jsonl v1-lighthouse-keeper.json", "one JSON record per card"),
        ],
        "validate": [
            ("cardkit validate v1-lighthouse-keeper.json", "check a card"),
            ("cardkit validate --strict --format sarif v3-cartographer-with-assets.json", "a SARIF log"),
            ("cardkit validate --format jsonl .", "a record per file (exit 1: the broken sample)"),
        ],
        "convert": [
            ("cardkit convert v1-lighthouse-keeper.json --to v3 --pretty", "V1 to V3 on standard output"),
            ("cardkit convert v1-lighthouse-keeper.json --to png -o /tmp/k.png --force", "a PNG card"),
            ("cardkit convert . --to v3 --out-dir /tmp/cards-v3 -q", "a folder (the broken sample fails: exit 1)"),
        ],
        "extract": [
            ("cardkit extract v2-archivist-with-lorebook.json", "the JSON exactly as stored"),
            ("cardkit extract v3-cartographer-with-assets.json --out-dir /tmp/extracted", "into a folder"),
        ],
        "embed": [
            (
                "cardkit embed v1-lighthouse-keeper.json /tmp/k.png -o /tmp/c.png --force",
                "into the PNG of the convert example"
            )
        ],
        "serve": [
            ("cardkit serve .", "the samples in the browser, at http://127.0.0.1:8080"),
            ("cardkit serve . --port 0 --allow-edit", "a free port; the edit form saves"),
        ],
        "schema list": [
            ("cardkit schema list", "every shipped schema"),
            ("cardkit schema list --format jsonl", "as records"),
        ],
        "schema check": [
            ("cardkit schema check --schema v2 v2-archivist-with-lorebook.json", "against a named schema")
        ],
        "schema show": [("cardkit schema show persona", "the lenient persona schema")],
        "edit": [
            ("cardkit edit v1-lighthouse-keeper.json --add-tag sea -o /tmp/e.json --force", "into a new file"),
            ("cardkit edit v1-lighthouse-keeper.json --set name=Odile -o -", "to standard output"),
        ],
        "diff": [
            ("cardkit diff v1-lighthouse-keeper.json v1-lighthouse-keeper.json", "the same card (exit 0)"),
            ("cardkit diff v3-cartographer-with-assets.json v1-lighthouse-keeper.json", "two cards (exit 1)"),
        ],
        "strip": [("cardkit strip /tmp/k.png -o /tmp/image.png --force", "the PNG of the convert example")],
        "unpack": [("cardkit unpack v1-lighthouse-keeper.json /tmp/k", "a card as a folder (/tmp/k must be new)")],
        "pack": [("cardkit pack /tmp/k -o /tmp/k2.png --force", "the folder of the unpack example, as a PNG")],
    ]

    /// The examples of `command` as the end of its help's discussion.
    ///
    /// - Parameter command: The subcommand, `schema list` for a nested one.
    /// - Returns: A blank line and `Examples (run in samples/):`, then a command line and what it shows for each.
    static func text(for command: String) -> String {
        guard let examples = all[command], !examples.isEmpty else { return "" }
        return "\n\nExamples (run in samples/):\n"
            + examples.map { "  $ \($0.line)\n      \($0.says)" }.joined(separator: "\n")
    }
}
