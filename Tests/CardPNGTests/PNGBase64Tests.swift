import Foundation
import Testing

@testable import CardPNG

/// The lenient base64 decoder against Foundation's strict one, on both its fast and general paths.
@Suite struct PNGBase64Tests {
    private func decode(_ text: String) throws -> (bytes: [UInt8], leniencies: PNGBase64.Leniencies) {
        let bytes = Array(text.utf8)
        let result: Result<(bytes: [UInt8], leniencies: PNGBase64.Leniencies), PNGBase64.Failure> =
            bytes.withUnsafeBytes { raw in
                do throws(PNGBase64.Failure) { return .success(try PNGBase64.decode(raw)) } catch {
                    return .failure(error)
                }
            }
        return try result.get()
    }

    @Test func decodesEveryLengthLikeFoundation() throws {
        var state: UInt64 = 99
        for length in 0..<300 {
            let data = (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1
                return UInt8(truncatingIfNeeded: state >> 40)
            }
            let text = Data(data).base64EncodedString()
            let decoded = try decode(text)
            #expect(decoded.bytes == data, "length \(length)")
            #expect(decoded.leniencies.isEmpty)
            #expect(Array(PNGBase64.encode(data)) == Array(text.utf8))
            // Whitespace in the middle sends the rest through the general path.
            if text.count > 9 {
                let wrapped = String(text.prefix(5)) + "\n" + String(text.dropFirst(5))
                #expect(try decode(wrapped).bytes == data)
                #expect(try decode(wrapped).leniencies == .whitespace)
            }
        }
    }

    @Test func rejectsBadCharactersWithTheirPosition() {
        #expect(throws: PNGBase64.Failure.self) { try decode("AAAAAAA*AAAA") }
        do {
            _ = try decode("AAAAAAA*AAAA")
        } catch {
            guard case .invalidCharacter(let position) = error as? PNGBase64.Failure else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(position == 7)
        }
        #expect(throws: PNGBase64.Failure.self) { try decode("QQ==QQ==") }
        #expect(throws: PNGBase64.Failure.self) { try decode("QUJDR") }
    }
}
