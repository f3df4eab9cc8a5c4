import CardKitJSON
import CardKitTestSupport
import CardModel
import Testing

/// Issue 18: a lorebook with a million entries took 28.5 s and 1.4 GB; past ``CharacterBook/maxEntries`` it is
/// refused before any entry is looked at, naming the pointer.
@Suite struct BookLimitTests {
    @Test func aBookWithAMillionEntriesIsRefusedNamingItsPointer() {
        let expected = CardError.limitExceeded(
            pointer: JSONPointer(tokens: ["data", "character_book", "entries"]),
            reason: "the book has 1000000 entries, more than the limit of 100000 (real lorebooks have a few thousand)")
        #expect(throws: expected) { try CardReader.read(ResourceBombs.cardWithBook(entries: 1_000_000)) }
        #expect(
            expected.description
                == "refused: /data/character_book/entries: the book has 1000000 entries, more than the limit of "
                + "100000 (real lorebooks have a few thousand)")
    }

    @Test func theLimitIsOneEntryPastMaxEntries() {
        let over = CharacterBook.maxEntries + 1
        #expect(CharacterBook.entriesLimitProblem(.array(Array(repeating: .null, count: over))) != nil)
        #expect(CharacterBook.entriesLimitProblem(.array(Array(repeating: .null, count: over - 1))) == nil)
    }

    /// The largest real lorebook has about 5,000 entries: it reads.
    @Test func aBookOfFiveThousandEntriesReads() throws {
        let read = try CardReader.read(ResourceBombs.cardWithBook(entries: 5_000))
        #expect(read.card.characterBook?.entries.count == 5_000)
    }
}
