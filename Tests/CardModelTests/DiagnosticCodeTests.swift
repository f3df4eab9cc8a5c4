import CardKitJSON
import CardModel
import Testing

/// Issue 13: diagnostic codes are typed constants whose raw values are what JSON output writes.
@Suite struct DiagnosticCodeTests {
    @Test func jsonWritesTheRawValue() {
        let diagnostic = Diagnostic(.warning, code: .pngBadCRC, offset: 8, "bad CRC")
        #expect(diagnostic.jsonValue["code"] == .string("png-bad-crc"))
        #expect(Diagnostic.Code.wrongType.description == "wrong-type")
    }

    @Test(arguments: [JSONWarning.Kind.byteOrderMark, .duplicateKey, .moreDuplicateKeys])
    func parserWarningsKeepTheirCodes(kind: JSONWarning.Kind) {
        #expect(Diagnostic.Code(kind).rawValue == kind.rawValue)
    }
}
