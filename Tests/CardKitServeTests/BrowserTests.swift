import CardKit
import CardKitTestSupport
import Foundation
import Testing

@testable import CardKitServe

/// The pages driven in a real headless Chromium through WebDriver.
///
/// The browser is Debian's `chromium` with `chromium-driver`, which `.ci/run` installs. Screenshots of the main pages go to `.build/serve-screenshots/`.
@Suite(.serialized) struct BrowserTests {
    static let screenshots = SharedFixtures.projectRoot.appendingPathComponent(".build/serve-screenshots")

    /// The folder the browser sees: the samples, a PNG card, the hostile card and, when present, the shared cards.
    static func files() throws -> [String: [UInt8]] {
        var files = try ServeFixture.sampleFiles()
        files["hostile.json"] = HostileCard.json
        if SharedFixtures.isAvailable {
            for name in SharedFixtures.cardNames(extensions: ["png", "json", "charx", "yaml", "yml"]) {
                files["shared/" + name] = [UInt8](try SharedFixtures.cardData(name))
            }
        }
        return files
    }

    @Test func galleryCardEditDownloadAndAHostileCardInChromium() async throws {
        if let reason = WebDriver.availability() {
            print("BrowserTests skipped: \(reason)")
            return
        }
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        let downloads = try SharedFixtures.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: downloads) }
        let fixture = try await ServeFixture.start(files: try Self.files()) { $0.allowEdit = true }
        defer { Task { await fixture.stop() } }
        let base = fixture.server.baseURL
        let total = await fixture.server.collection!.status.total

        try await WebDriver.withSession(WebDriverOptions(downloadDirectory: downloads)) { browser in
            // Gallery: every file of the folder on the first page (fewer than 60), with a validity badge.
            try await browser.navigate(to: base)
            #expect(try await browser.title() == "Gallery · CardKit")
            let tiles = try await browser.findElements(css: "article.tile")
            #expect(tiles.count == min(total, 60))
            #expect(try await browser.findElements(css: "article.tile .badge.validity").count == tiles.count)
            try await browser.saveScreenshot(to: Self.screenshots.appendingPathComponent("gallery.png"))

            // Search.
            let search = try await browser.findElement(css: "#search")
            try await search.sendKeys("drowned library\n")
            try await browser.waitUntil(timeout: .seconds(10), "search results") {
                try await browser.currentURL().absoluteString.contains("q=drowned")
            }
            let found = try await browser.findElements(css: "article.tile")
            #expect(found.count == 2)
            #expect(try await browser.findElement(css: "#count").text() == "2 files match; showing 1–2.")
            try await browser.saveScreenshot(to: Self.screenshots.appendingPathComponent("search.png"))

            // Open a card.
            try await browser.findElement(css: "article.tile[data-path='pictures/archivist.png'] h2 a").click()
            try await browser.waitUntil("card page") {
                try await browser.findElement(css: "#card-name").text() == "Archivist Pell"
            }
            #expect(try await browser.findElements(css: "#lorebook table.entries tbody tr").count == 3)
            #expect(try await browser.findElements(css: "mark.macro").count > 0)
            try await browser.saveScreenshot(to: Self.screenshots.appendingPathComponent("card.png"))

            // Download a conversion.
            try await browser.findElement(css: "#downloads a[data-target='v3']").click()
            let file = try await browser.waitForDownload(named: "archivist.json", timeout: .seconds(20))
            let downloaded = try CardFileLoader.load(data: try Data(contentsOf: file), path: file.path)
            #expect(downloaded.card.spec == .v3)
            #expect(downloaded.card.name == "Archivist Pell")

            // Edit a field and save: the file on disk changes, its image chunks do not.
            let path = fixture.folder!.appendingPathComponent("pictures/archivist.png")
            let before = try Data(contentsOf: path)
            try await browser.findElement(css: "#edit-link").click()
            let name = try await browser.findElement(css: "#field-name")
            try await name.clear()
            try await name.sendKeys("Archivist Pell, Edited")
            try await browser.saveScreenshot(to: Self.screenshots.appendingPathComponent("edit.png"))
            try await browser.findElement(css: "#save").click()
            try await browser.waitUntil(timeout: .seconds(10), "saved notice") {
                try await browser.findElement(css: "#saved").text().hasPrefix("Saved.")
            }
            #expect(try await browser.findElement(css: "#card-name").text() == "Archivist Pell, Edited")
            let after = try Data(contentsOf: path)
            #expect(try CardFileLoader.load(data: after, path: "a.png").card.name == "Archivist Pell, Edited")
            #expect(ServePageTests.imageChunks(after) == ServePageTests.imageChunks(before))
            #expect(try Data(contentsOf: path.appendingPathExtension("bak")) == before)

            // A hostile card: its markup shows as text, and nothing of it runs.
            try await browser.navigate(to: URL(string: base.absoluteString + "/card?path=hostile.json")!)
            let heading = try await browser.findElement(css: "#card-name").text()
            #expect(heading == "Mallory " + HostileCard.payload)
            #expect(try await browser.executeScript("return window.pwned === undefined") == .bool(true))
            #expect(try await browser.findElements(css: "main script, main img[src='x'], main svg").isEmpty)
            try await browser.navigate(to: URL(string: base.absoluteString + "/?q=mallory")!)
            #expect(try await browser.executeScript("return window.pwned === undefined") == .bool(true))
            try await browser.saveScreenshot(to: Self.screenshots.appendingPathComponent("hostile.png"))
            // The policy is in force: an inline script added by hand is refused and reported.
            _ = try await browser.executeScript(
                "const s = document.createElement('script'); s.textContent = 'window.pwned = 3'; document.body.appendChild(s); return 0"
            )
            #expect(try await browser.executeScript("return window.pwned === undefined") == .bool(true))
            let log = try await browser.browserLog()
            #expect(log.contains { $0.message.contains("Content Security Policy") })
        }
    }
}
