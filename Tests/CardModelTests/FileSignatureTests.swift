import CardModel
import Testing

/// The single sniffer every reader uses.
@Suite struct FileSignatureTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let bytes: [UInt8]
        let expected: FileSignature
        init(_ bytes: [UInt8], _ expected: FileSignature) {
            self.bytes = bytes
            self.expected = expected
        }
        init(_ text: String, _ expected: FileSignature) { self.init(Array(text.utf8), expected) }
        var testDescription: String { "\(expected)" }
    }

    static let cases: [Case] = [
        Case(FileSignature.pngBytes + [0, 0, 0, 13], .png),
        Case([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x00, 0x0A], .damagedPNG),
        Case([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], .zip),
        Case([0xFF, 0xD8, 0xFF, 0xDB], .jpeg),
        Case("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ", .webp),
        Case("GIF89a", .gif),
        Case([0x42, 0x4D, 0x36, 0x00, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x36, 0x00, 0x00, 0x00], .bmp),
        Case("BMI: 24.5, and other notes", .other),
        Case("\u{0}\u{0}\u{0} ftypavif", .isoMedia),
        Case("\u{FEFF}\n  {\"name\": 1}", .json),
        Case("  [1, 2]", .json),
        Case("name: Chiharu\ngreeting: hi", .other),
        Case([], .other),
    ]

    @Test(arguments: cases)
    func recognisesEachFormatFromItsFirstBytes(_ example: Case) {
        #expect(FileSignature.detect(example.bytes) == example.expected)
    }

    @Test func avatarFormatsHaveATypeAndAnExtension() {
        #expect(FileSignature.png.avatarMIMEType == "image/png")
        #expect(FileSignature.jpeg.avatarFileExtension == "jpg")
        #expect(FileSignature.bmp.avatarMIMEType == nil)
    }
}
