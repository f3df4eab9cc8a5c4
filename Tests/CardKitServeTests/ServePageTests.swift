import CardKit
import CardKitTestSupport
import Foundation
import NIOHTTP1
import Testing

@testable import CardKitServe

/// A hostile card: markup and script in every text the pages show.
enum HostileCard {
    static let payload = #"<script>window.pwned=1</script><img src=x onerror="window.pwned=2">"#
    static var json: [UInt8] {
        let card: JSONValue = [
            "spec": "chara_card_v2", "spec_version": "2.0",
            "data": [
                "name": .string("Mallory " + payload), "description": .string("Hi {{user}}, I am {{char}}. " + payload),
                "personality": "", "scenario": "", "first_mes": .string(payload), "mes_example": "",
                "creator_notes": "", "system_prompt": "", "post_history_instructions": "", "alternate_greetings": [],
                "tags": [.string("<b>tag</b>"), "evil"], "creator": .string("\"><svg onload=alert(1)>"),
                "character_version": "1", "extensions": [:],
            ],
        ]
        return JSONWriter.bytes(card, style: .pretty)
    }
}

/// The pages over a real server: escaping, the edit form's guards, a save, a download, a rescan.
@Suite struct ServePageTests {
    @Test func cardValuesAreEscapedEverywhere() async throws {
        var files = try ServeFixture.sampleFiles()
        files["hostile.json"] = HostileCard.json
        let fixture = try await ServeFixture.start(files: files)
        defer { Task { await fixture.stop() } }
        for page in ["/", "/?q=mallory", "/card?path=hostile.json", "/diff?a=hostile.json&b=v1-lighthouse-keeper.json"]
        {
            let reply = try await fixture.request(page)
            #expect(reply.status == 200, "\(page)")
            #expect(!reply.text.contains("<script>window"), "\(page)")
            #expect(!reply.text.contains("<img src=x"), "\(page)")
            #expect(!reply.text.contains("<svg"), "\(page)")
            #expect(!reply.text.contains("<b>tag"), "\(page)")
        }
        let card = try await fixture.request("/card?path=hostile.json")
        #expect(card.text.contains("Mallory &lt;script&gt;window.pwned=1&lt;/script&gt;"))
        #expect(
            card.text.contains(#"Hi <mark class="macro">{{user}}</mark>, I am <mark class="macro">{{char}}</mark>."#))
        #expect(card.text.contains("&quot;&gt;&lt;svg onload=alert(1)&gt;"))
    }

    @Test func theGallerySearchesAndFilters() async throws {
        let fixture = try await ServeFixture.start(files: try ServeFixture.sampleFiles())
        defer { Task { await fixture.stop() } }
        let all = try await fixture.request("/")
        #expect(all.text.contains("6 files match; showing 1–6."))
        let search = try await fixture.request("/?q=drowned+library")
        #expect(search.text.contains("2 files match"))
        #expect(search.text.contains("Archivist Pell"))
        #expect(!search.text.contains("data-path=\"v1-lighthouse-keeper.json\""))
        let invalid = try await fixture.request("/?validity=unreadable")
        #expect(invalid.text.contains("data-path=\"broken-truncated.json\""))
        #expect(invalid.text.contains("1 file match"))
        #expect(all.text.contains(#"<a class="chip" href="/?tag=fantasy">fantasy <small>2</small></a>"#))
        let unknown = try await fixture.request("/?validity=bogus")
        #expect(unknown.text.contains("No card matches."))
        let png = try await fixture.request("/?container=png")
        #expect(png.text.contains("data-path=\"pictures/archivist.png\""))
        #expect(png.text.contains("1 file match"))
    }

    @Test func theCardPageShowsValidationLossesAndDownloads() async throws {
        let fixture = try await ServeFixture.start(files: try ServeFixture.sampleFiles())
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request("/card?path=pictures/archivist.png")
        #expect(reply.status == 200)
        for target in [
            "v2", "v3", "png", "charx", "book", "worldinfo", "spicychat", "chattr", "nextchat", "characterai",
        ] {
            #expect(reply.text.contains("data-target=\"\(target)\""), "\(target)")
        }
        #expect(reply.text.contains("Strict profile"))
        #expect(reply.text.contains("The Drowned Library"))
        let avatar = try await fixture.request("/avatar?path=pictures/archivist.png")
        #expect(avatar.header("Content-Type") == "image/png")
        #expect(
            avatar.body == Array(try Data(contentsOf: fixture.folder!.appendingPathComponent("pictures/archivist.png")))
        )
        let download = try await fixture.request("/download?path=pictures/archivist.png&to=charx")
        #expect(download.header("Content-Type") == "application/zip")
        #expect(download.header("Content-Disposition")?.contains("archivist.charx") == true)
        #expect(try CardFileLoader.load(data: Data(download.body), path: "a.charx").card.name == "Archivist Pell")
        let missing = try await fixture.request("/card?path=nothing.json")
        #expect(missing.status == 404)
    }

    @Test func editingIsOffUnlessAllowed() async throws {
        let fixture = try await ServeFixture.start(files: try ServeFixture.sampleFiles())
        defer { Task { await fixture.stop() } }
        let form = try await fixture.request("/edit?path=v1-lighthouse-keeper.json")
        #expect(form.status == 403)
        let post = try await fixture.request(
            "/edit", method: .POST, body: Array("path=v1-lighthouse-keeper.json&field.name=X".utf8),
            headers: [("Content-Type", "application/x-www-form-urlencoded")])
        #expect(post.status == 403)
        #expect(post.text.contains("start the server with --allow-edit"))
    }

    @Test func aSaveNeedsTheRunsTokenAndKeepsTheImage() async throws {
        let fixture = try await ServeFixture.start(files: try ServeFixture.sampleFiles()) { $0.allowEdit = true }
        defer { Task { await fixture.stop() } }
        let path = "pictures/archivist.png"
        let url = fixture.folder!.appendingPathComponent(path)
        let before = try Data(contentsOf: url)
        let form = try await fixture.request("/edit?path=" + path)
        #expect(form.status == 200)
        let token = try #require(Self.hiddenValue("token", in: form.text))
        let revision = try #require(Self.hiddenValue("revision", in: form.text))
        let headers = [("Content-Type", "application/x-www-form-urlencoded")]

        let forged = "path=\(path)&revision=\(revision)&field.name=Forged"
        let noToken = try await fixture.request("/edit", method: .POST, body: Array(forged.utf8), headers: headers)
        #expect(noToken.status == 403)
        let crossSite = try await fixture.request(
            "/edit", method: .POST, body: Array((forged + "&token=\(token)").utf8),
            headers: headers + [("Origin", "http://attacker.example")])
        #expect(crossSite.status == 403)
        #expect(try Data(contentsOf: url) == before)

        let body =
            "token=\(token)&path=\(FormFields.encode(path))&revision=\(FormFields.encode(revision))"
            + "&field.name=Archivist+Pell+the+Second&tags=library%0D%0Aghosts"
        let saved = try await fixture.request("/edit", method: .POST, body: Array(body.utf8), headers: headers)
        #expect(saved.status == 303)
        #expect(saved.header("Location") == "/card?path=pictures/archivist.png&saved=pictures/archivist.png.bak")
        let after = try CardFileLoader.load(data: try Data(contentsOf: url), path: path)
        #expect(after.card.name == "Archivist Pell the Second")
        #expect(after.card.tags == ["library", "ghosts"])
        #expect(try Data(contentsOf: url.appendingPathExtension("bak")) == before)
        // Every image chunk is kept byte for byte.
        #expect(try Self.imageChunks(Data(contentsOf: url)) == Self.imageChunks(before))

        let stale = try await fixture.request("/edit", method: .POST, body: Array(body.utf8), headers: headers)
        #expect(stale.status == 409)
        let page = try await fixture.request("/card?path=" + path)
        #expect(page.text.contains("Archivist Pell the Second"))
        let diff = try await fixture.request("/diff?a=pictures/archivist.png.bak&b=pictures/archivist.png")
        #expect(diff.text.contains("differences."))
        #expect(diff.text.contains("/data/name"))
    }

    @Test func aRescanSeesNewChangedAndRemovedFiles() async throws {
        let fixture = try await ServeFixture.start(files: try ServeFixture.sampleFiles())
        defer { Task { await fixture.stop() } }
        let collection = try #require(fixture.server.collection)
        let folder = fixture.folder!
        try FileManager.default.copyItem(
            at: folder.appendingPathComponent("v1-lighthouse-keeper.json"),
            to: folder.appendingPathComponent("copy.json"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("broken-truncated.json"))
        #expect(await collection.rescan() == 1)
        #expect(await collection.entry("copy.json")?.name == "Odile Marsh")
        #expect(await collection.entry("broken-truncated.json")?.path == nil)
        #expect(await collection.rescan() == 0)
    }

    /// The value of a hidden input in a page.
    static func hiddenValue(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Every chunk of a PNG but the text chunks, as type and data.
    static func imageChunks(_ data: Data) -> [[UInt8]] {
        let bytes = [UInt8](data)
        var chunks: [[UInt8]] = []
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            if !["tEXt", "zTXt", "iTXt"].contains(type) { chunks.append(Array(bytes[offset..<offset + 12 + length])) }
            offset += 12 + length
        }
        return chunks
    }
}
