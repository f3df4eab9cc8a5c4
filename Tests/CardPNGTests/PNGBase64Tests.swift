import Foundation
import Testing

@testable import CardPNG

/// The lenient base64 decoder against Foundation's strict one, on both its fast and general paths; the encoder too.
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
            #expect(Array(PNGBase64.encode(data, accelerated: false)) == Array(text.utf8))
            // Whitespace in the middle sends the rest through the general path.
            if text.count > 9 {
                let wrapped = String(text.prefix(5)) + "\n" + String(text.dropFirst(5))
                #expect(try decode(wrapped).bytes == data)
                #expect(try decode(wrapped).leniencies == .whitespace)
            }
        }
    }

    /// The AVX2 encoder gives Foundation's text for every byte value at every position of a block, and for a
    /// payload the size of a card's JSON.
    @Test func theBlockEncoderGivesFoundationsTextForEveryByteAtEveryPosition() {
        for value in 0...255 {
            for position in 0..<60 {
                var data = [UInt8](repeating: 0x41, count: 60)
                data[position] = UInt8(value)
                #expect(
                    PNGBase64.encode(data) == Array(Data(data).base64EncodedString().utf8), "\(value) at \(position)")
            }
        }
        let large = (0..<150_001).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
        #expect(PNGBase64.encode(large) == Array(Data(large).base64EncodedString().utf8))
        #expect(PNGBase64.encode(large) == PNGBase64.encode(large, accelerated: false))
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

    /// Decodes with or without the AVX2 block path, as a value to compare.
    private func outcome(_ bytes: [UInt8], accelerated: Bool) -> String {
        bytes.withUnsafeBytes { raw in
            do throws(PNGBase64.Failure) {
                let decoded = try PNGBase64.decode(raw, accelerated: accelerated)
                return "ok \(decoded.bytes) \(decoded.leniencies.rawValue)"
            } catch {
                return "failure \(error)"
            }
        }
    }

    @Test func theBlockPathGivesTheScalarResultForEveryByteAtEveryPosition() {
        var state: UInt64 = 7
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        func random(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1
                return alphabet[Int(state >> 58)]
            }
        }
        // Every byte value at every position of the first two blocks of a 96-character text.
        let base = random(96)
        for position in 0..<64 {
            for value in 0...255 {
                var text = base
                text[position] = UInt8(value)
                #expect(
                    outcome(text, accelerated: true) == outcome(text, accelerated: false),
                    "byte \(value) at \(position)")
            }
        }
        // Every length around the block size, with and without padding, and every alphabet character in each lane.
        for length in 0..<200 {
            let data = (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1
                return UInt8(truncatingIfNeeded: state >> 40)
            }
            let text = Array(Data(data).base64EncodedString().utf8)
            #expect(outcome(text, accelerated: true) == outcome(text, accelerated: false), "length \(length)")
            #expect(outcome(text, accelerated: true) == "ok \(data) 0", "length \(length)")
        }
        for character in alphabet {
            let text = [UInt8](repeating: character, count: 64)
            #expect(outcome(text, accelerated: true) == outcome(text, accelerated: false))
        }
    }
}
