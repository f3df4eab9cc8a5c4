import CardKit
import CardKitTestSupport
import Foundation
import NIOHTTP1
import Testing

@testable import CardKitServe

/// `/api/v1` against a real server on loopback: every endpoint, bad and oversized bodies, traversal, tokens.
@Suite struct ServeAPITests {
    @Test func statusReportsTheIndex() async throws {
        let fixture = try await ServeFixture.start(files: try ServeFixture.sampleFiles())
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request("/api/v1/status")
        #expect(reply.status == 200)
        #expect(reply.json?["index"]?["total"] == 6)
        #expect(reply.json?["index"]?["complete"] == true)
        #expect(reply.json?["allow_edit"] == false)
        #expect(reply.header("Content-Security-Policy")?.contains("script-src 'self'") == true)
    }

    @Test func cardsAreTheInspectRecordsSortedByName() async throws {
        let fixture = try await ServeFixture.start(files: try ServeFixture.sampleFiles())
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request("/api/v1/cards")
        #expect(reply.status == 200)
        #expect(reply.header("X-Total-Count") == "6")
        let records = reply.json?.arrayValue ?? []
        let paths = records.compactMap { $0["path"]?.stringValue }
        #expect(paths.contains("pictures/archivist.png"))
        #expect(paths.contains("v1-lighthouse-keeper.json"))
        let png = records.first { $0["path"] == "pictures/archivist.png" }
        #expect(png?["kind"] == "card")
        #expect(png?["inspect"]?["container"] == "png")
        #expect(png?["inspect"]?["name"] == "Archivist Pell")
        let broken = records.first { $0["path"] == "broken-truncated.json" }
        #expect(broken?["ok"] == false)

        let search = try await fixture.request("/api/v1/cards?q=archivist&container=png")
        #expect(search.header("X-Total-Count") == "1")
        #expect(search.json?[0]?["path"] == "pictures/archivist.png")
        let lines = try await fixture.request("/api/v1/cards?format=jsonl&limit=2")
        #expect(lines.header("Content-Type") == "application/jsonl")
        #expect(lines.text.split(separator: "\n").count == 2)
        #expect(lines.header("X-Total-Count") == "6")
        let unknownVerdict = try await fixture.request("/api/v1/cards?validity=bogus")
        #expect(unknownVerdict.header("X-Total-Count") == "0")
        let bad = try await fixture.request("/api/v1/cards?format=xml")
        #expect(bad.status == 400)
        #expect(bad.json?["error"]?["message"] == "format= is json or jsonl, not xml")
    }

    @Test func validateReturnsTheCLIRecords() async throws {
        let fixture = try await ServeFixture.start()
        defer { Task { await fixture.stop() } }
        let v2 = try Data(
            contentsOf: SharedFixtures.samplesDirectory.appendingPathComponent("v2-archivist-with-lorebook.json"))
        let good = try await fixture.request(
            "/api/v1/validate?name=a.json&profile=lenient", method: .POST, body: [UInt8](v2))
        #expect(good.status == 200)
        #expect(good.json?[0]?["path"] == "a.json")
        #expect(good.json?[0]?["ok"] == true)
        #expect(good.json?[0]?["kind"] == "card")
        let v1 = try Data(
            contentsOf: SharedFixtures.samplesDirectory.appendingPathComponent("v1-lighthouse-keeper.json"))
        let strict = try await fixture.request("/api/v1/validate?name=v1.json", method: .POST, body: [UInt8](v1))
        #expect(strict.json?[0]?["ok"] == false)
        #expect(strict.json?[0]?["diagnostics"]?[0]?["pointer"] == "/talkativeness")
        let png = try CardConverter.convert(data: v2, path: "v2.json", to: .png).output.bytes
        let fromPNG = try await fixture.request("/api/v1/validate?name=card.png", method: .POST, body: png)
        #expect(fromPNG.json?[0]?["ok"] == true)

        let empty = try await fixture.request("/api/v1/validate", method: .POST, body: [])
        #expect(empty.status == 400)
        let profile = try await fixture.request("/api/v1/validate?profile=loose", method: .POST, body: [UInt8](v1))
        #expect(profile.status == 400)
        #expect(profile.json?["error"]?["message"] == "profile= is strict or lenient")
        let garbage = try await fixture.request(
            "/api/v1/validate?name=x.json", method: .POST, body: Array("{nope".utf8))
        #expect(garbage.status == 200)
        #expect(garbage.json?[0]?["ok"] == false)
    }

    /// The search compares lower-cased UTF-8 bytes: every word must occur somewhere in the name, tags or texts,
    /// in any letter case, non-ASCII included; a word found nowhere matches nothing.
    @Test(arguments: [
        ("café", 1), ("CAFÉ", 1), ("Ünter", 1), ("sea glass", 1), ("glass sea", 1), ("hostess", 1),
        ("caf", 2), ("a", 2), ("cafés", 0), ("sea cafe", 0), ("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", 0),
    ])
    func searchFindsEveryWordInAnyCase(query: String, expected: Int) async throws {
        func card(_ name: String, _ description: String) -> [UInt8] {
            Array(
                #"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"\#(name)","description":"\#(description)"}}"#
                    .utf8)
        }
        let fixture = try await ServeFixture.start(files: [
            "one.json": card("Café Hostess", "Sells sea glass to Ünter."),
            "two.json": card("Cafeteria", "The cafe is closed."),
        ])
        defer { Task { await fixture.stop() } }
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let reply = try await fixture.request("/api/v1/cards?q=\(encoded)")
        #expect(reply.status == 200)
        #expect(reply.header("X-Total-Count") == String(expected))
    }

    @Test func oversizedBodiesAreRefusedWith413() async throws {
        let fixture = try await ServeFixture.start { $0.maxBodyBytes = 1000 }
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request(
            "/api/v1/validate", method: .POST, body: [UInt8](repeating: 0x20, count: 5000))
        #expect(reply.status == 413)
        #expect(reply.json?["error"]?["message"] == "the request body is larger than the limit of 1000 bytes")
        let convert = try await fixture.request(
            "/api/v1/convert?to=v3", method: .POST, body: [UInt8](repeating: 0x20, count: 1001))
        #expect(convert.status == 413)
    }

    @Test func convertReturnsTheBytesAndTheLossReport() async throws {
        let fixture = try await ServeFixture.start()
        defer { Task { await fixture.stop() } }
        let v2 = try Data(
            contentsOf: SharedFixtures.samplesDirectory.appendingPathComponent("v2-archivist-with-lorebook.json"))
        let expected = try CardConverter.convert(data: v2, path: "archivist.json", to: .platform(.chattr))
        let reply = try await fixture.request(
            "/api/v1/convert?to=chattr&name=archivist.json", method: .POST, body: [UInt8](v2))
        #expect(reply.status == 200)
        #expect(reply.body == expected.output.bytes)
        #expect(
            reply.header("Content-Disposition")?.hasPrefix("attachment; filename=\"archivist.chattr.json\"") == true)
        #expect(reply.header("CardKit-Loss-Entries") == "\(expected.lossReport.entries.count)")
        #expect(reply.header("CardKit-Lossy") == (expected.isLossy ? "true" : "false"))
        let report = reply.header("CardKit-Loss-Report").flatMap { Data(base64Encoded: $0) }
        #expect(report.flatMap { try? JSONParser.parse($0).value } == expected.reportJSON)

        let png = try await fixture.request("/api/v1/convert?to=png", method: .POST, body: [UInt8](v2))
        #expect(png.header("Content-Type") == "image/png")
        #expect(try CardFileLoader.load(data: Data(png.body), path: "x.png").card.name == "Archivist Pell")

        let envelope = try await fixture.request(
            "/api/v1/convert?to=v3&envelope=json", method: .POST, body: [UInt8](v2))
        #expect(envelope.json?["output"]?["name"] == "body.json")
        let decoded = envelope.json?["output"]?["base64"]?.stringValue.flatMap { Data(base64Encoded: $0) }
        #expect(
            decoded.map { [UInt8]($0) }
                == (try CardConverter.convert(data: v2, path: "body", to: .card(.v3))).output.bytes)

        let unknown = try await fixture.request("/api/v1/convert?to=tavern", method: .POST, body: [UInt8](v2))
        #expect(unknown.status == 400)
        #expect(unknown.json?["error"]?["message"]?.stringValue?.hasPrefix("to= names the target: v1, v2, v3") == true)
        let broken = try await fixture.request(
            "/api/v1/convert?to=v3&name=b.json", method: .POST, body: Array("{\"data\":".utf8))
        #expect(broken.status == 422)
        #expect(broken.json?["error"]?["message"]?.stringValue?.hasPrefix("b.json: error:") == true)
        // tag= values reach the platform options.
        let v1 = try Data(
            contentsOf: SharedFixtures.samplesDirectory.appendingPathComponent("v1-lighthouse-keeper.json"))
        let tagged = try await fixture.request("/api/v1/convert?to=spicychat&tag=sea", method: .POST, body: [UInt8](v1))
        #expect(tagged.status == 200)
        #expect(tagged.json?["tags"] == ["original", "slice of life", "sea"])
    }

    @Test(arguments: [
        "../outside.json", "/etc/passwd", "a/../../x.json", "./v1-lighthouse-keeper.json", "sub//x.json",
        "..%2Fx.json", "x%00.json",
    ])
    func traversalIsRefused(path: String) async throws {
        let fixture = try await ServeFixture.start(files: try ServeFixture.sampleFiles())
        defer { Task { await fixture.stop() } }
        let encoded = path.contains("%") ? path : FormFields.encode(path)
        let reply = try await fixture.request("/card?path=" + encoded)
        #expect(reply.status == 400)
        #expect(reply.text.contains("is not a relative path inside the collection"))
        let download = try await fixture.request("/download?to=v3&path=" + encoded)
        #expect(download.status == 400)
    }

    @Test func aLinkThatLeavesTheFolderIsNeitherIndexedNorServed() async throws {
        let outside = try SharedFixtures.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        let secret = outside.appendingPathComponent("secret.json")
        try Data(contentsOf: SharedFixtures.samplesDirectory.appendingPathComponent("v1-lighthouse-keeper.json")).write(
            to: secret)
        let fixture = try await ServeFixture.start(files: try ServeFixture.sampleFiles()) { configuration in
            let folder = configuration.folder!
            try? FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent("link.json"), withDestinationURL: secret)
            try? FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent("outside"), withDestinationURL: outside)
        }
        defer { Task { await fixture.stop() } }
        let cards = try await fixture.request("/api/v1/cards")
        let paths = (cards.json?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
        #expect(!paths.contains("link.json"))
        #expect(!paths.contains { $0.hasPrefix("outside/") })
        for path in ["link.json", "outside/secret.json"] {
            let reply = try await fixture.request("/card?path=" + path)
            #expect(reply.status == 400)
            #expect(reply.text.contains("leads outside the collection"))
        }
    }

    @Test func aForeignHostNameIsRefused() async throws {
        let fixture = try await ServeFixture.start(files: try ServeFixture.sampleFiles())
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request("/api/v1/cards", headers: [("Host", "attacker.example:80")])
        #expect(reply.status == 421)
        #expect(reply.json?["error"]?["message"]?.stringValue?.contains("loopback names only") == true)
        let local = try await fixture.request("/api/v1/status", headers: [("Host", "localhost:\(fixture.server.port)")])
        #expect(local.status == 200)
    }

    @Test func aTokenIsNeededOnEveryRequestWhenGiven() async throws {
        let token = "0123456789abcdef0123"
        let fixture = try await ServeFixture.start(files: try ServeFixture.sampleFiles()) { $0.token = token }
        defer { Task { await fixture.stop() } }
        let missing = try await fixture.request("/api/v1/cards")
        #expect(missing.status == 401)
        #expect(missing.header("WWW-Authenticate") == "Bearer realm=\"cardkit\"")
        let wrong = try await fixture.request("/api/v1/cards", headers: [("Authorization", "Bearer nope")])
        #expect(wrong.status == 401)
        let bearer = try await fixture.request("/api/v1/cards", headers: [("Authorization", "Bearer \(token)")])
        #expect(bearer.status == 200)
        let visit = try await fixture.request("/?q=pell&token=\(token)")
        #expect(visit.status == 303)
        #expect(visit.header("Location") == "/?q=pell")
        #expect(visit.header("Set-Cookie") == "cardkit_token=\(token); Path=/; HttpOnly; SameSite=Strict")
        let cookie = try await fixture.request("/?q=pell", headers: [("Cookie", "cardkit_token=\(token)")])
        #expect(cookie.status == 200)
    }

    @Test func aHostOtherThanLoopbackNeedsAToken() async throws {
        var configuration = ServeConfiguration()
        configuration.host = "0.0.0.0"
        #expect(throws: ServeError.self) { try configuration.check() }
        configuration.token = "short"
        #expect(throws: ServeError("--token must be at least 16 characters (it is 5)")) { try configuration.check() }
        configuration.token = "0123456789abcdef"
        try configuration.check()
    }

    @Test func openAPIDocumentNamesEveryEndpoint() async throws {
        let fixture = try await ServeFixture.start()
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request("/api/v1/openapi.json")
        #expect(reply.status == 200)
        let paths = reply.json?["paths"]?.objectValue.map { Array($0.keys) } ?? []
        #expect(Set(paths) == ["/api/v1/status", "/api/v1/cards", "/api/v1/validate", "/api/v1/convert"])
        #expect(reply.json?["openapi"] == "3.1.0")
        // Without a folder the index is absent, and says so.
        let cards = try await fixture.request("/api/v1/cards")
        #expect(cards.status == 404)
    }
}
