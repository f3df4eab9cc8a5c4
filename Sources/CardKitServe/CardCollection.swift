package import CardKit
import CardKitFiles
import CardKitJSON
import CardModel
import CardSchemas
package import Foundation

/// How a card of the collection fares against the card schemas.
package enum CardValidity: String, Sendable, Hashable, CaseIterable {
    /// It passes the strict profile (the specs exactly).
    case strict
    /// It fails the strict profile but passes the lenient one (what SillyTavern and RisuAI accept).
    case lenient
    /// It fails both profiles, or reading it found errors.
    case invalid
    /// It is not a card or lorebook CardKit can read.
    case unreadable

    /// The badge's words.
    package var label: String {
        switch self {
        case .strict: "valid (strict)"
        case .lenient: "valid (lenient)"
        case .invalid: "invalid"
        case .unreadable: "unreadable"
        }
    }
}

/// One file of the collection, as the index keeps it: what the gallery shows and searches.
package struct CollectionEntry: Sendable {
    /// The path relative to the collection's folder, with `/` between levels: the file's id in every URL.
    package var path: String
    /// The file's absolute path.
    package var absolutePath: String
    /// `card`, `lorebook` or `unknown` (unreadable).
    package var kind: String
    /// The card's or book's name; the file name when it has none.
    package var name: String
    /// `v1`, `v2` or `v3` for a card, `lorebook` for a book, empty when unreadable.
    package var spec: String
    /// The container: `png`, `json`, `charx`, `yaml`; empty when unreadable.
    package var container: String
    /// The card's tags.
    package var tags: [String]
    /// The card's creator.
    package var creator: String
    /// The schema verdict.
    package var validity: CardValidity
    /// The `inspect` record, with ``path`` as its path (the API's `GET /api/v1/cards` returns these).
    package var record: JSONValue
    /// Lower-cased UTF-8 text searched by the gallery: name, creator, tags and the card's texts.
    ///
    /// At most ``CardCollection/searchTextLimit`` bytes, kept as bytes so a search is a ``ByteSearch`` per word, not a
    /// `Character`-by-`Character` comparison (at 10,000 cards that is the difference between a few milliseconds
    /// and a quarter of a second).
    package var searchText: [UInt8]
    /// The file's size, modification time and inode when it was read, to notice changes.
    package var stamp: FileStamp

    /// Whether the entry matches a gallery query.
    ///
    /// - Parameter query: The query.
    /// - Returns: True when every word of the text is found and every filter agrees.
    package func matches(_ query: CollectionQuery) -> Bool {
        if let spec = query.spec, self.spec != spec { return false }
        if let container = query.container, self.container != container { return false }
        if let validity = query.validity, self.validity.rawValue != validity { return false }
        if let tag = query.tag?.lowercased(), !tags.contains(where: { $0.lowercased() == tag }) { return false }
        return query.words.allSatisfy { ByteSearch.contains(searchText, $0) }
    }
}

/// What identifies one version of a file: a change to any of these means the file must be read again.
package struct FileStamp: Sendable, Hashable {
    /// The size in bytes.
    package var size: Int64
    /// The modification time in nanoseconds.
    package var modified: Int64
    /// The inode (an atomic replace gives a new one).
    package var inode: UInt64
}

/// A gallery search: words, filters and the page.
package struct CollectionQuery: Sendable, Hashable {
    /// The lower-cased words that must all appear in a card's search text.
    package var words: [String] = []
    /// Only this tag (any letter case).
    package var tag: String?
    /// Only this spec (`v1`, `v2`, `v3`, `lorebook`).
    package var spec: String?
    /// Only this container.
    package var container: String?
    /// Only this verdict: a ``CardValidity`` raw value (any other name matches nothing).
    package var validity: String?
    /// How many matches to skip.
    package var offset: Int = 0
    /// How many matches to return.
    package var limit: Int = 60

    /// An empty query: every card, the first page.
    package init() {}

    /// A query from the gallery's or the API's parameters (`q`, `tag`, `spec`, `container`, `validity`, `page` or
    /// `offset`, `limit`); unknown values of a filter match nothing rather than everything.
    ///
    /// - Parameter fields: The request's query parameters.
    package init(_ fields: FormFields) {
        words = (fields["q"] ?? "").lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        tag = fields.nonEmpty("tag")
        spec = fields.nonEmpty("spec")
        container = fields.nonEmpty("container")
        validity = fields.nonEmpty("validity")
        limit = min(max(Int(fields["limit"] ?? "") ?? 60, 1), 1000)
        if let page = Int(fields["page"] ?? ""), page > 1 { offset = (page - 1) * limit }
        if let offset = Int(fields["offset"] ?? ""), offset >= 0 { self.offset = offset }
    }
}

/// A page of query results.
package struct CollectionPage: Sendable {
    /// The entries on the page, sorted by name then path.
    package var entries: [CollectionEntry]
    /// How many entries matched in all.
    package var total: Int
    /// Where the page starts among the matches.
    package var offset: Int
    /// The page size asked for.
    package var limit: Int
}

/// How far indexing has come.
package struct IndexProgress: Sendable, Hashable {
    /// Files indexed so far.
    package var indexed: Int
    /// Files found by the last walk.
    package var total: Int
    /// Whether the last walk has been indexed whole.
    package var complete: Bool
    /// How many completed walks (the first one, then rescans) the index has seen.
    package var generation: Int
}

/// The index of a folder of cards: every card file under it, read once, and read again when it changes on disk.
///
/// The folder is walked as `cardkit inspect DIR` walks it (hidden entries skipped, card extensions only); a file
/// reached through a symbolic link that leads out of the folder is left out. Each file is inspected and validated
/// against the strict and lenient profiles, on every core.
package actor CardCollection {
    /// The most bytes of text kept per card for search.
    package static let searchTextLimit = 32 * 1024

    /// The folder, resolved (symbolic links followed).
    package nonisolated let root: URL
    private let loadOptions: CardLoadOptions
    private var entries: [String: CollectionEntry] = [:]
    private var sorted: [CollectionEntry] = []
    /// Every tag (first spelling seen) with how many entries carry it, most used first; rebuilt with ``sorted``.
    private var tagCounts: [(tag: String, count: Int)] = []
    private var progress = IndexProgress(indexed: 0, total: 0, complete: false, generation: 0)

    /// A collection of the cards under `folder` (nothing is read until ``rescan()``).
    ///
    /// - Parameters:
    ///   - folder: The folder.
    ///   - loadOptions: How cards are read.
    package init(folder: URL, loadOptions: CardLoadOptions = .init()) {
        root = folder.resolvingSymlinksInPath().standardizedFileURL
        self.loadOptions = loadOptions
    }

    /// How far indexing has come.
    package var status: IndexProgress { progress }

    /// The entry for a relative path, if the index holds it.
    ///
    /// - Parameter path: The relative path.
    /// - Returns: The entry.
    package func entry(_ path: String) -> CollectionEntry? { entries[path] }

    /// The entries that match a query, one page of them.
    ///
    /// - Parameter query: The query.
    /// - Returns: The page and the number of matches.
    package func page(_ query: CollectionQuery) -> CollectionPage {
        var matches: [CollectionEntry] = []
        var total = 0
        for entry in sorted where entry.matches(query) {
            if total >= query.offset && matches.count < query.limit { matches.append(entry) }
            total += 1
        }
        return CollectionPage(entries: matches, total: total, offset: query.offset, limit: query.limit)
    }

    /// Every tag in the collection with how many cards carry it, most used first.
    ///
    /// - Parameter limit: How many tags to return.
    /// - Returns: Tag and count pairs.
    package func topTags(limit: Int) -> [(tag: String, count: Int)] { Array(tagCounts.prefix(limit)) }

    /// Walks the folder again, reads the files that are new or changed, and forgets the ones that are gone.
    ///
    /// - Returns: How many files were read.
    @discardableResult
    package func rescan() async -> Int {
        let found = Self.walk(root)
        progress.total = found.count
        progress.complete = false
        var changed: [(path: String, absolute: String, stamp: FileStamp)] = []
        var present = Set<String>()
        for (path, absolute, stamp) in found {
            present.insert(path)
            if entries[path]?.stamp != stamp { changed.append((path, absolute, stamp)) }
        }
        let removed = entries.keys.filter { !present.contains($0) }
        progress.indexed = found.count - changed.count
        for path in removed { entries[path] = nil }
        let options = loadOptions
        let width = max(ProcessInfo.processInfo.activeProcessorCount, 1)
        await withTaskGroup(of: CollectionEntry.self) { group in
            var next = changed.makeIterator()
            for _ in 0..<width {
                guard let item = next.next() else { break }
                group.addTask { Self.index(item.path, absolute: item.absolute, stamp: item.stamp, options: options) }
            }
            for await entry in group {
                entries[entry.path] = entry
                progress.indexed += 1
                if let item = next.next() {
                    group.addTask {
                        Self.index(item.path, absolute: item.absolute, stamp: item.stamp, options: options)
                    }
                }
            }
        }
        if !changed.isEmpty || !removed.isEmpty || progress.generation == 0 { reorder() }
        progress.complete = true
        progress.generation += 1
        return changed.count
    }

    /// Reads the entry of one file again now (after the server wrote it), without waiting for a rescan.
    ///
    /// - Parameter path: The relative path.
    package func refresh(_ path: String) {
        let absolute = root.appendingPathComponent(path).path
        guard case .success(let status) = FileStatus.of(absolute) else {
            entries[path] = nil
            reorder()
            return
        }
        entries[path] = Self.index(path, absolute: absolute, stamp: FileStamp(status), options: loadOptions)
        reorder()
    }

    /// Sorts the entries by name then path, and counts the tags, once per change rather than per request.
    private func reorder() {
        sorted = entries.values.sorted { left, right in
            let order = left.name.localizedCaseInsensitiveCompare(right.name)
            return order == .orderedSame ? left.path < right.path : order == .orderedAscending
        }
        var counts: [String: (tag: String, count: Int)] = [:]
        for entry in sorted {
            for key in Set(entry.tags.map { $0.lowercased() }) {
                let spelling = counts[key]?.tag ?? entry.tags.first { $0.lowercased() == key } ?? key
                counts[key] = (spelling, (counts[key]?.count ?? 0) + 1)
            }
        }
        tagCounts = counts.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.tag < $1.tag }
    }

    /// The card files under `root`: relative path, absolute path and stamp, leaving out what a link takes outside.
    nonisolated static func walk(_ root: URL) -> [(String, String, FileStamp)] {
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        let inputs = CardInputCollector.collect([root.path]).inputs
        var found: [(String, String, FileStamp)] = []
        for input in inputs {
            guard CollectionPath.isInside(input.path, root: rootPath) else { continue }
            guard case .success(let status) = FileStatus.of(input.path), status.kind == .regular else { continue }
            found.append((input.relativePath, input.path, FileStamp(status)))
        }
        return found
    }

    /// Inspects and validates one file.
    nonisolated static func index(_ path: String, absolute: String, stamp: FileStamp, options: CardLoadOptions)
        -> CollectionEntry
    {
        let fileName = (path as NSString).lastPathComponent
        var entry = CollectionEntry(
            path: path, absolutePath: absolute, kind: "unknown", name: fileName, spec: "", container: "", tags: [],
            creator: "", validity: .unreadable, record: .null, searchText: Array(fileName.lowercased().utf8),
            stamp: stamp)
        let data: Data
        do {
            data = try CardInput(path: absolute).read(limit: options.maxFileSize)
        } catch {
            entry.record = renamed(RunRecord(failure: error, command: "inspect").jsonValue, to: path)
            return entry
        }
        let inspection = CardInspector.inspect(data: data, path: path, options: options)
        entry.record = RunRecord(inspection: inspection).jsonValue
        switch inspection {
        case .failure:
            return entry
        case .lorebook(let book):
            entry.kind = "lorebook"
            entry.spec = "lorebook"
            entry.container = "json"
            entry.name = book.book.name ?? fileName
            entry.validity = verdict(data: data, path: path, options: options)
            entry.searchText = searchText([entry.name, fileName] + book.book.entries.map(\.content))
        case .card(let summary):
            let card = summary.loaded.card
            entry.kind = "card"
            entry.spec = card.spec.rawValue
            entry.container = summary.loaded.container.rawValue
            entry.name = card.name.isEmpty ? fileName : card.name
            entry.tags = card.tags
            entry.creator = card.creator
            entry.validity =
                summary.loaded.hasErrors ? .invalid : verdict(data: data, path: path, options: options)
            entry.searchText = searchText(
                [entry.name, card.creator, fileName] + card.tags
                    + [
                        card.description, card.personality, card.scenario, card.firstMessage, card.creatorNotes,
                        card.systemPrompt,
                    ] + card.alternateGreetings)
        }
        return entry
    }

    /// Strict if the strict profile passes, else lenient if that passes, else invalid.
    private nonisolated static func verdict(data: Data, path: String, options: CardLoadOptions) -> CardValidity {
        for (profile, validity) in [(CardSchemaProfile.strict, CardValidity.strict), (.lenient, .lenient)] {
            let record = DocumentValidator.record(
                data: data, file: path, selection: .auto, profile: profile, options: options)
            if record.isValid { return validity }
        }
        return .invalid
    }

    private nonisolated static func searchText(_ parts: [String]) -> [UInt8] {
        var text: [UInt8] = []
        for part in parts where !part.isEmpty {
            text += part.lowercased().utf8
            text.append(0x0A)
            if text.count >= searchTextLimit { break }
        }
        return text.count > searchTextLimit ? Array(text.prefix(searchTextLimit)) : text
    }

    private nonisolated static func renamed(_ record: JSONValue, to path: String) -> JSONValue {
        var record = record
        record["path"] = .string(path)
        return record
    }
}

extension FileStamp {
    /// The stamp of a stat result.
    init(_ status: FileStatus) {
        self.init(size: status.size, modified: status.modifiedNanoseconds, inode: status.inode)
    }
}
