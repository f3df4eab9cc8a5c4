import CardKitJSON
import CardKitTestSupport
import CardModel
import Foundation
import Testing

@testable import CardFormats

/// Issue 18, the readers in CardFormats: every reproduction built here at its reported size, refused early with
/// its exact error.
@Suite struct ResourceLimitTests {
    // MARK: YAML

    /// 1 MB aliasing a 1 MiB string 1,000 times took 45 s and 1.09 GB: the expanded text is counted in bytes.
    @Test func aliasesRepeatingALargeStringAreRefusedByExpandedBytes() {
        let yaml = ResourceBombs.yamlAliases(stringBytes: 1 << 20, aliases: 1_000)
        #expect(yaml.count < 1_100_000)
        #expect(
            throws: CardFormatError.tooComplex(
                reason: "line 1, column 7: the YAML expands to more than 16777216 bytes of text "
                    + "(aliases repeating a large value?)")
        ) { try LegacyCardReader.readTextGenerationWebUI(yaml) }
    }

    /// At 8 MB the same bomb aborted the process; it is now past the YAML size limit.
    @Test func anEightMegabyteAliasBombIsRefusedBySize() {
        let yaml = ResourceBombs.yamlAliases(stringBytes: 8 << 20, aliases: 1_000)
        #expect(throws: CardFormatError.tooLarge(size: yaml.count, limit: 4 << 20)) {
            try LegacyCardReader.readTextGenerationWebUI(yaml)
        }
    }

    /// 10.9 MB with a million keys took 14.8 s and then said "invalid JSON": refused by size, and sniffed as YAML so
    /// that the YAML reader's reason is the one reported.
    @Test func aMillionKeysAreRefusedAndSniffedAsYAML() {
        let yaml = ResourceBombs.yamlKeys(count: 1_000_000)
        #expect(yaml.count == 10_888_909)
        #expect(throws: CardFormatError.tooLarge(size: 10_888_909, limit: 4 << 20)) {
            try LegacyCardReader.readTextGenerationWebUI(yaml)
        }
        #expect(CardFormatSniffer.detect(data: Data(yaml)) == .textGenerationWebUIYAML)
    }

    /// Under the size limit, a file of many short lines is refused before Yams composes it.
    @Test func manyLinesUnderTheSizeLimitAreRefusedBeforeComposing() {
        let yaml = ResourceBombs.yamlKeys(count: 200_000)
        #expect(yaml.count < 4 << 20)
        let expected = CardFormatError.tooComplex(
            reason: "line 200002: the YAML has more than 200000 lines and flow separators (a character file has a few "
                + "dozen)")
        #expect(throws: expected) { try LegacyCardReader.readTextGenerationWebUI(yaml) }
        #expect(CardFormatSniffer.detect(data: Data(yaml)) == .textGenerationWebUIYAML)
    }

    @Test func aLongContextStillReads() throws {
        let yaml =
            Array("name: x\ncontext: |\n".utf8)
            + Array(repeating: Array(("  " + String(repeating: "y", count: 98) + "\n").utf8), count: 30_000).flatMap {
                $0
            }
        let read = try LegacyCardReader.readTextGenerationWebUI(yaml)
        #expect(read.card.description.utf8.count == 30_000 * 99)
    }

    // MARK: Lorebooks

    @Test func aLorebookWithAMillionEntriesIsRefusedNamingItsPointer() throws {
        let json = try JSONParser.parse(ResourceBombs.lorebook(entries: 1_000_000)).value
        #expect(
            throws: CardFormatError.limitExceeded(
                pointer: JSONPointer(tokens: ["data", "entries"]),
                reason: "the book has 1000000 entries, more than the limit of 100000 (real lorebooks have a few "
                    + "thousand)")
        ) { try LorebookFile.read(json: json) }
    }

    @Test func worldInfoPastTheEntryLimitIsRefused() {
        var entries = JSONObject()
        for index in 0...CharacterBook.maxEntries { entries[String(index)] = .object(JSONObject()) }
        let worldInfo = JSONValue.object(["entries": .object(entries)])
        #expect(
            throws: CardFormatError.limitExceeded(
                pointer: JSONPointer(tokens: ["entries"]),
                reason: "the book has 100001 entries, more than the limit of 100000 (real lorebooks have a few "
                    + "thousand)")
        ) { try WorldInfoConverter.book(fromWorldInfo: worldInfo) }
    }

    // MARK: CharX

    /// 64 KB with 1,070 central entries pointing at one local header made `inspect` use 1.08 GB.
    @Test func centralEntriesSharingALocalHeaderAreRefused() {
        let zip = ResourceBombs.sharedLocalHeaderCharX(sharing: 1_070, entryBytes: 1_000_000)
        #expect(zip.count < 72_000)
        let sharedHeader = 30 + "card.json".utf8.count + ResourceBombs.smallCard.utf8.count
        #expect(
            throws: CharXError.unreadableArchive(
                reason: "entry 2: shares its local header at byte \(sharedHeader) with entry 1 (overlapping entries: "
                    + "a zip bomb)")
        ) { try CharXReader.read(data: Data(zip)) }
        #expect(CardFormatSniffer.detect(data: Data(zip)) == .charx(zipOffset: 0))
    }

    /// Entries each under the ratio threshold still cannot add up past the ratio times the archive's size.
    @Test func smallEntriesAddingUpToABombAreRefused() throws {
        var items: [ZIPFixtures.Item] = [.file("card.json", Data(ResourceBombs.smallCard.utf8))]
        for index in 0..<40 { items.append(.file("assets/\(index).bin", Data(count: 1_000_000))) }
        let zip = try ZIPFixtures.make(items)
        let archiveBytes = UInt64(zip.count)
        // The first entry at which the running total passes 200 times the archive.
        var total = UInt64(ResourceBombs.smallCard.utf8.count)
        var index = 0
        while true {
            total += 1_000_000
            if total > 200 * archiveBytes { break }
            index += 1
        }
        #expect(index < 40)
        #expect(
            throws: CharXError.archiveRatioExceeded(
                entry: "assets/\(index).bin", total: total, archiveBytes: archiveBytes, limit: 200)
        ) { try CharXReader.read(data: zip) }
    }
}
