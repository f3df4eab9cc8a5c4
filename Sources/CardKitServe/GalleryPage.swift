/// The gallery: one page of the collection's cards, with the search form and filters.
enum GalleryPage {
    /// The spec filter's choices.
    static let specs = [("", "Any spec"), ("v1", "V1"), ("v2", "V2"), ("v3", "V3"), ("lorebook", "Lorebook")]
    /// The container filter's choices.
    static let containers = [
        ("", "Any container"), ("png", "PNG"), ("json", "JSON"), ("charx", "CharX"), ("yaml", "YAML"),
    ]

    /// Renders the gallery.
    ///
    /// - Parameters:
    ///   - page: The matching cards.
    ///   - query: The query that found them.
    ///   - progress: How far indexing has come.
    ///   - topTags: The most used tags.
    ///   - folder: The collection's folder, shown in the header.
    /// - Returns: The HTML.
    static func render(
        _ page: CollectionPage, query: CollectionQuery, progress: IndexProgress, topTags: [(tag: String, count: Int)],
        folder: String
    ) -> String {
        let pageNumber = page.offset / max(page.limit, 1) + 1
        let pageCount = max((page.total + page.limit - 1) / max(page.limit, 1), 1)
        let first = page.total == 0 ? 0 : page.offset + 1
        let last = page.offset + page.entries.count
        let summary =
            page.total == 0
            ? "No card matches."
            : "\(page.total) \(page.total == 1 ? "file" : "files") match; showing \(first)–\(last)."
        let validities = [("", "Any validity")] + CardValidity.allCases.map { ($0.rawValue, $0.label) }
        let view: [String: Any] = [
            "page": "gallery", "folder": folder,
            "q": query.words.joined(separator: " "),
            "tag": query.tag ?? false,
            "clearTag": Links.gallery(query, tag: .some(nil)),
            "specs": choices(specs, selected: query.spec),
            "containers": choices(containers, selected: query.container),
            "validities": choices(validities, selected: query.validity),
            "indexing": !progress.complete, "indexed": progress.indexed, "total": progress.total,
            "summary": summary,
            "cards": page.entries.map { entry -> [String: Any] in
                [
                    "path": entry.path, "href": Links.card(entry.path), "avatar": Links.avatar(entry),
                    "name": entry.name, "spec": entry.spec.isEmpty ? "?" : entry.spec,
                    "container": entry.container.isEmpty ? "?" : entry.container,
                    "validity": entry.validity.rawValue, "validityLabel": entry.validity.label,
                    "tags": entry.tags.prefix(12).map { ["name": $0, "href": Links.tag($0)] },
                ]
            },
            "pageNumber": pageNumber, "pageCount": pageCount,
            "previous": pageNumber > 1 ? Links.gallery(query, page: pageNumber - 1) : false,
            "next": pageNumber < pageCount ? Links.gallery(query, page: pageNumber + 1) : false,
            "topTags": topTags.map { ["name": $0.tag, "count": $0.count, "href": Links.tag($0.tag)] as [String: Any] },
        ]
        return PageTemplates.render("gallery", view)
    }

    /// Select options, the chosen one marked.
    static func choices(_ options: [(String, String)], selected: String?) -> [[String: Any]] {
        options.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == (selected ?? "")] }
    }
}
