import CardKit
import CardKitFiles
import CardModel
import CardPNG
import Foundation
import HTTPTypes
import Hummingbird

/// The pages: gallery, card, avatar, download, edit and diff.
struct PageRoutes: Sendable {
    let configuration: ServeConfiguration
    let collection: CardCollection?

    var folderLabel: String { collection?.root.path ?? "(no folder)" }

    func add(to router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in try await gallery(request) }
        router.get("/card") { request, _ in try await card(request) }
        router.get("/avatar") { request, _ in try await avatar(request) }
        router.get("/download") { request, _ in try await download(request) }
        router.get("/edit") { request, _ in try await editForm(request) }
        router.post("/edit") { request, _ in try await save(request) }
        router.get("/diff") { request, _ in try await diff(request) }
        router.get("/static/app.css") { _, _ in
            Responses.bytes(Array(StaticFiles.stylesheet.utf8), type: "text/css; charset=utf-8", headers: cached)
        }
        router.get("/static/app.js") { _, _ in
            Responses.bytes(Array(StaticFiles.script.utf8), type: "text/javascript; charset=utf-8", headers: cached)
        }
        router.get("/static/favicon.png") { _, _ in
            Responses.bytes((try? PNGDefaultAvatar.png()) ?? [], type: "image/png", headers: cached)
        }
    }

    private var cached: HTTPFields { [.cacheControl: "private, max-age=300"] }

    // MARK: - Pages

    private func gallery(_ request: Request) async throws -> Response {
        let collection = try requireCollection()
        let query = CollectionQuery(FormFields(request.uri.query))
        let page = await collection.page(query)
        let html = GalleryPage.render(
            page, query: query, progress: await collection.status, topTags: await collection.topTags(limit: 40),
            folder: folderLabel)
        return Responses.html(html)
    }

    private func card(_ request: Request) async throws -> Response {
        let fields = FormFields(request.uri.query)
        let (entry, data) = try await read(fields)
        let input = CardPage.Input(
            entry: entry, data: data, folder: folderLabel, allowEdit: configuration.allowEdit,
            backup: Backups.newest(of: entry.path, under: try requireCollection().root),
            saved: fields.nonEmpty("saved"))
        guard let html = CardPage.render(input) else {
            let message = entry.record["error"]?["message"]?.stringValue ?? "it is not a card CardKit can read"
            throw RequestFailure(status: .unprocessableContent, message: "\(entry.path): \(message)")
        }
        return Responses.html(html)
    }

    /// The card's picture: a PNG card itself, a CharX's main icon, else the default avatar.
    private func avatar(_ request: Request) async throws -> Response {
        let (entry, data) = try await read(FormFields(request.uri.query))
        var image: [UInt8]? = nil
        if Responses.imageType(data) == "image/png" {
            image = [UInt8](data)
        } else if entry.container == "charx",
            let loaded = try? CardFileLoader.load(data: data, path: entry.path),
            let icon = loaded.charx?.mainIcon?.bytes, Responses.imageType(icon) != nil
        {
            image = [UInt8](icon)
        }
        let bytes = try image ?? PNGDefaultAvatar.png()
        return Responses.bytes(
            bytes, type: Responses.imageType(bytes) ?? "image/png",
            headers: [.cacheControl: "private, max-age=3600"])
    }

    private func download(_ request: Request) async throws -> Response {
        let fields = FormFields(request.uri.query)
        let (entry, data) = try await read(fields)
        guard let name = fields["to"], let target = ConversionTarget(name: name) else {
            throw RequestFailure(
                status: .badRequest,
                message: "to= names the target: \(ConversionTarget.allCases.map(\.name).joined(separator: ", "))")
        }
        return try Conversions.response(data: data, path: entry.path, target: target, options: .init())
    }

    private func editForm(_ request: Request) async throws -> Response {
        try requireEditing()
        let (entry, data) = try await read(FormFields(request.uri.query))
        let card = try loadCard(data, entry: entry)
        return Responses.html(
            EditPage.render(entry: entry, card: card, token: configuration.formToken, folder: folderLabel))
    }

    /// Saves an edit through ``CardEditor`` (as `cardkit edit --in-place` does): atomically, the old file kept as
    /// a numbered backup, the image bytes untouched.
    private func save(_ request: Request) async throws -> Response {
        try requireEditing()
        try refuseCrossSite(request)
        var request = request
        let body = try await request.collectBody(upTo: configuration.maxBodyBytes)
        let form = FormFields(String(buffer: body))
        guard let token = form["token"], constantTimeEqual(token, configuration.formToken) else {
            throw RequestFailure(
                status: .forbidden, message: "the form's token is missing or not this run's; reload the edit page")
        }
        let (entry, data) = try await read(form)
        guard form["revision"] == EditPage.revision(entry.stamp) else {
            throw RequestFailure(
                status: .conflict,
                message: "\(entry.path) changed on disk after the form was opened; reload the edit page")
        }
        let card = try loadCard(data, entry: entry)
        let edits = EditPage.edits(from: form, card: card)
        guard !edits.isEmpty else { return Responses.seeOther(Links.card(entry.path)) }
        let result: CardEditResult
        do {
            result = try CardEditor.edit(data: data, path: entry.path, edits: edits)
        } catch {
            throw RequestFailure(status: .unprocessableContent, message: error.description)
        }
        guard result.changed else { return Responses.seeOther(Links.card(entry.path)) }
        let input = CardInput(path: entry.absolutePath)
        var writer = OutputWriter(destination: .inPlace(backup: true), inputs: RunInputs([input]))
        do {
            _ = try writer.write(
                result.bytes, for: input, fileExtension: result.fileExtension, suffix: "." + result.fileExtension)
        } catch {
            throw RequestFailure(status: .internalServerError, message: error.description)
        }
        let root = try requireCollection().root
        await collection?.refresh(entry.path)
        let backup = Backups.newest(of: entry.path, under: root) ?? "a backup"
        return Responses.seeOther(Links.card(entry.path) + "&saved=" + FormFields.encode(backup))
    }

    private func diff(_ request: Request) async throws -> Response {
        let collection = try requireCollection()
        let fields = FormFields(request.uri.query)
        let a = fields.nonEmpty("a")
        let b = fields.nonEmpty("b")
        var choices = await collection.page(CollectionQuery.all).entries.map { ($0.path, "\($0.name) — \($0.path)") }
        for chosen in [a, b].compactMap({ $0 }) where !choices.contains(where: { $0.0 == chosen }) {
            choices.insert((chosen, chosen), at: 0)
        }
        if let a {
            for backup in Backups.all(of: a, under: collection.root).reversed() {
                choices.insert((backup, "backup — \(backup)"), at: 0)
            }
        }
        var input = DiffPage.Input(choices: choices, a: a, b: b, folder: folderLabel)
        if let a, let b {
            do {
                let left = try readFile(a, root: collection.root)
                let right = try readFile(b, root: collection.root)
                input.result = try CardDiff.compare((left, a), (right, b))
            } catch let failure as RequestFailure {
                input.problem = failure.message
            } catch let error as CardAuthoringError {
                input.problem = error.description
            }
        }
        return Responses.html(DiffPage.render(input))
    }

    // MARK: - Helpers

    private func requireCollection() throws(RequestFailure) -> CardCollection {
        guard let collection else {
            throw RequestFailure(
                status: .notFound,
                message: "this server was started without a folder: run cardkit serve DIR to browse one")
        }
        return collection
    }

    private func requireEditing() throws(RequestFailure) {
        guard configuration.allowEdit else {
            throw RequestFailure(
                status: .forbidden, message: "editing is off: start the server with --allow-edit to save changes")
        }
    }

    /// Refuses a form posted from another site (`Sec-Fetch-Site`, `Origin`), on top of the per-run token.
    private func refuseCrossSite(_ request: Request) throws(RequestFailure) {
        if let site = request.headers[.init("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
            throw RequestFailure(status: .forbidden, message: "a form from another site cannot save here")
        }
        if let origin = request.headers[.origin], origin != "null",
            let authority = request.head.authority,
            origin != "http://\(authority)"
        {
            throw RequestFailure(status: .forbidden, message: "a form from \(origin) cannot save here")
        }
    }

    /// The entry and bytes of the file a request names with `path=`.
    private func read(_ fields: FormFields) async throws -> (CollectionEntry, Data) {
        let collection = try requireCollection()
        guard let path = fields["path"] else {
            throw RequestFailure(status: .badRequest, message: "path= names a file of the collection")
        }
        let absolute: String
        do {
            absolute = try CollectionPath.resolve(path, under: collection.root)
        } catch {
            throw RequestFailure(status: .badRequest, message: error.description)
        }
        guard let entry = await collection.entry(path) else {
            throw RequestFailure(status: .notFound, message: "\(path) is not a card file of the collection")
        }
        do {
            return (entry, try CardInput(path: absolute).read())
        } catch {
            throw RequestFailure(status: .notFound, message: error.description)
        }
    }

    /// The bytes of any regular file inside the folder (a backup is not in the index).
    private func readFile(_ path: String, root: URL) throws -> Data {
        let absolute: String
        do {
            absolute = try CollectionPath.resolve(path, under: root)
        } catch {
            throw RequestFailure(status: .badRequest, message: error.description)
        }
        do {
            return try CardInput(path: absolute).read()
        } catch {
            throw RequestFailure(status: .notFound, message: error.description)
        }
    }

    private func loadCard(_ data: Data, entry: CollectionEntry) throws(RequestFailure) -> Card {
        do {
            return try CardFileLoader.load(data: data, path: entry.path).card.converted(to: .v3).card
        } catch {
            throw RequestFailure(status: .unprocessableContent, message: error.description)
        }
    }
}

extension CollectionQuery {
    /// Every entry of the collection, for the diff page's choices.
    static var all: CollectionQuery {
        var query = CollectionQuery()
        query.limit = .max
        return query
    }
}

/// The numbered backups `cardkit edit` and the edit form keep beside a file: `NAME.bak`, `NAME.bak.1`, ….
enum Backups {
    /// Every backup of a file, oldest first (by modification time: a new backup takes the first free number).
    ///
    /// - Parameters:
    ///   - path: The file's relative path.
    ///   - root: The collection's folder.
    /// - Returns: The backups' relative paths.
    static func all(of path: String, under root: URL) -> [String] {
        let file = root.appendingPathComponent(path)
        let folder = file.deletingLastPathComponent()
        let base = file.lastPathComponent + ".bak"
        let prefix = (path as NSString).deletingLastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var found: [(path: String, modified: Int64, number: Int)] = []
        for name in names {
            let number: Int
            if name == base {
                number = 0
            } else if name.hasPrefix(base + "."), let value = Int(name.dropFirst(base.count + 1)), value > 0 {
                number = value
            } else {
                continue
            }
            guard case .success(let status) = FileStatus.of(folder.appendingPathComponent(name).path),
                status.kind == .regular
            else { continue }
            found.append((prefix.isEmpty ? name : prefix + "/" + name, status.modifiedNanoseconds, number))
        }
        return found.sorted { ($0.modified, $0.number) < ($1.modified, $1.number) }.map(\.path)
    }

    /// The newest backup of a file, if any.
    static func newest(of path: String, under root: URL) -> String? { all(of: path, under: root).last }
}
