import CardModel
import CardPlatforms
import Testing

/// Issue 13: each loss kind has its own typed code, written as `lost-<kind>`.
@Suite struct LossCodeTests {
    @Test(arguments: LossEntry.Kind.allCases)
    func lossKindCodesKeepTheirRawValues(kind: LossEntry.Kind) {
        #expect(kind.diagnosticCode.rawValue == "lost-\(kind.rawValue)")
    }
}
