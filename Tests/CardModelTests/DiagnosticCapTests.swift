import CardKitJSON
import CardModel
import Testing

/// Repairs are listed at most 100 times per code, then counted in one note.
///
/// A fuzz finding: a book of thousands of entries that all lack the same fields made five diagnostics per entry, with
/// their messages, on every read and conversion (10 s under ASan for 15,000 entries).
@Suite struct DiagnosticCapTests {
    static func card(entries: Int) -> [UInt8] {
        let book = "[" + Array(repeating: "{}", count: entries).joined(separator: ",") + "]"
        return Array(
            #"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"x","first_mes":"y","character_book":{"extensions":{},"entries":\#(book)}}}"#
                .utf8)
    }

    @Test func eachCodeIsListedAHundredTimesThenCounted() throws {
        let read = try CardReader.read(Self.card(entries: 5_000))
        #expect(read.card.characterBook?.entries.count == 5_000)
        let conversion = read.card.converted(to: .v3)
        let missing = conversion.diagnostics.filter { $0.code == .missingField }
        #expect(missing.count == 100)
        #expect(missing.first?.pointer == "/data/character_book/entries/0/keys")
        let notes = conversion.diagnostics.filter { $0.code == .moreDiagnostics }
        // Six per entry (keys, content, extensions, enabled, insertion_order, and V3's use_regex) and twelve card
        // fields V3 requires: 30,012 in all, 100 listed.
        #expect(notes.map(\.message) == ["29912 more `missing-field` diagnostics are not listed"])
        #expect(notes.first?.severity == .note)
        // The converted book is complete: the cap is on messages, not on repairs.
        let entries = try #require(conversion.card.characterBook?.entries)
        #expect(entries.count == 5_000)
        #expect(entries.last?.object["use_regex"] == .bool(false))
    }

    @Test func aFewRepairsAreAllListed() throws {
        let conversion = try CardReader.read(Self.card(entries: 3)).card.converted(to: .v3)
        #expect(conversion.diagnostics.filter { $0.code == .missingField }.count == 12 + 3 * 6)
        #expect(!conversion.diagnostics.contains { $0.code == .moreDiagnostics })
    }
}
