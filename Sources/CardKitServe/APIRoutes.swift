import CardKit
import CardKitJSON
import CardPlatforms
import CardSchemas
import Foundation
import HTTPTypes
import Hummingbird

/// The HTTP API under `/api/v1`, described by ``OpenAPIDocument``.
///
/// Every endpoint but `GET /cards` is stateless: it reads the request and nothing else, so replicas behind a load
/// balancer answer alike.
struct APIRoutes: Sendable {
    let configuration: ServeConfiguration
    let collection: CardCollection?

    func add(to router: Router<BasicRequestContext>) {
        router.get("/api/v1/openapi.json") { _, _ in
            Responses.bytes(Array(OpenAPIDocument.json.utf8), type: "application/json")
        }
        router.get("/api/v1/status") { _, _ in await status() }
        router.get("/api/v1/cards") { request, _ in try await cards(request) }
        router.post("/api/v1/validate") { request, _ in try await validate(request) }
        router.post("/api/v1/convert") { request, _ in try await convert(request) }
    }

    private func status() async -> Response {
        var object: JSONObject = [
            "version": .string(CardKitVersion.current), "allow_edit": .bool(configuration.allowEdit),
            "max_body_bytes": .number(JSONNumber(configuration.maxBodyBytes)),
        ]
        if let collection {
            let progress = await collection.status
            object["folder"] = .string(collection.root.path)
            object["index"] = [
                "indexed": .number(JSONNumber(progress.indexed)), "total": .number(JSONNumber(progress.total)),
                "complete": .bool(progress.complete), "generation": .number(JSONNumber(progress.generation)),
            ]
        } else {
            object["folder"] = .null
            object["index"] = .null
        }
        return Responses.json(.object(object))
    }

    /// The index as `inspect` records: a JSON array, or one record per line with `format=jsonl`; the gallery's
    /// filters and paging apply, and `X-Total-Count` says how many matched.
    private func cards(_ request: Request) async throws -> Response {
        guard let collection else {
            throw RequestFailure(status: .notFound, message: "this server was started without a folder")
        }
        let fields = FormFields(request.uri.query)
        var query = CollectionQuery(fields)
        if fields["limit"] == nil { query.limit = 1000 }
        let page = await collection.page(query)
        let progress = await collection.status
        var headers: HTTPFields = [HTTPField.Name("X-Total-Count")!: "\(page.total)"]
        headers[HTTPField.Name("CardKit-Index-Complete")!] = progress.complete ? "true" : "false"
        let records = page.entries.map(\.record)
        switch fields["format"] ?? "json" {
        case "json":
            return Responses.json(.array(records), headers: headers)
        case "jsonl":
            let lines = records.map { JSONWriter.bytes($0) + [0x0A] }.joined()
            return Responses.bytes(Array(lines), type: "application/jsonl", headers: headers)
        case let other:
            throw RequestFailure(status: .badRequest, message: "format= is json or jsonl, not \(other)")
        }
    }

    /// Validates the body (a card in any container, a lorebook, a persona or a platform object) and returns the
    /// records `cardkit validate --format json` prints: an array with one record.
    private func validate(_ request: Request) async throws -> Response {
        let fields = FormFields(request.uri.query)
        let (data, name) = try await body(request, fields: fields)
        let selection: CardSchemaSelection
        do {
            selection = try CardSchemaSelection(argument: fields["schema"] ?? "auto")
        } catch {
            throw RequestFailure(status: .badRequest, message: "schema=: \(error)")
        }
        guard let profile = CardSchemaProfile(rawValue: fields["profile"] ?? "strict") else {
            throw RequestFailure(status: .badRequest, message: "profile= is strict or lenient")
        }
        let record = DocumentValidator.record(
            data: data, file: name, selection: selection, profile: profile, options: CardLoadOptions(),
            decodeImage: fields["decode-image"] == "true")
        return Responses.json([RunRecord(validation: record).jsonValue])
    }

    /// Converts the body to `to=TARGET` and returns the file, with the loss report in `CardKit-Loss-Report`
    /// (base64 of its JSON) or, with `envelope=json`, everything as one JSON object.
    private func convert(_ request: Request) async throws -> Response {
        let fields = FormFields(request.uri.query)
        guard let name = fields["to"], let target = ConversionTarget(name: name) else {
            throw RequestFailure(
                status: .badRequest,
                message: "to= names the target: \(ConversionTarget.allCases.map(\.name).joined(separator: ", "))")
        }
        let (data, path) = try await body(request, fields: fields)
        var options = ConversionOptions()
        options.jsonStyle = fields["pretty"] == "true" ? .pretty : .compact
        options.dropAssets = fields["drop-assets"] == "true"
        options.withV1Fields = fields["v1-fields"] == "true"
        options.platform.extraTags = fields.values("tag")
        if let visibility = fields.nonEmpty("visibility") { options.platform.spicychatVisibility = visibility }
        options.platform.inlineSystemPrompt = fields["inline-system-prompt"] == "true"
        options.platform.characterAITitle = fields.nonEmpty("title")
        options.platform.characterAIDialogMarkers = fields["dialog-markers"] == "true"
        options.platform.avatar = fields.nonEmpty("avatar")
        return try Conversions.response(
            data: data, path: path, target: target, options: options, envelope: fields["envelope"] == "json")
    }

    /// The request body, bounded, and the name it goes by in messages (`name=`, else `body`).
    private func body(_ request: Request, fields: FormFields) async throws -> (Data, String) {
        var request = request
        let buffer = try await request.collectBody(upTo: configuration.maxBodyBytes)
        guard buffer.readableBytes > 0 else {
            throw RequestFailure(status: .badRequest, message: "the request has no body: send the file's bytes")
        }
        let name = fields.nonEmpty("name").map { ($0 as NSString).lastPathComponent } ?? "body"
        return (Data(buffer.readableBytesView), name)
    }
}
