import CardKitTestSupport
import Foundation
import ZIPFoundation

/// What a malformed input must make `cardkit` do: its exit status and the class of message on standard error.
struct ExpectedOutcome: Sendable, CustomStringConvertible {
    /// The exit status (0 read, 1 invalid input).
    var status: Int32
    /// The class of message standard error must show.
    var message: MessageClass

    var description: String { "exit \(status), \(message.rawValue)" }

    static func rejected(_ message: MessageClass) -> ExpectedOutcome { ExpectedOutcome(status: 1, message: message) }
    static func accepted(_ message: MessageClass) -> ExpectedOutcome { ExpectedOutcome(status: 0, message: message) }
}

/// Classes of messages, each recognised by phrases the readers use (matched case-insensitively).
enum MessageClass: String, Sendable, CaseIterable {
    case truncated
    case badCRC = "bad-crc"
    case lengthTooLarge = "length-too-large"
    case decompressionBomb = "decompression-bomb"
    case zipBomb = "zip-bomb"
    case invalidUTF8 = "invalid-utf8"
    case tooDeep = "too-deep"
    case stringTooLong = "string-too-long"
    case invalidJSON = "invalid-json"
    case noCard = "no-card"
    case damagedArchive = "damaged-archive"
    case byteOrderMark = "byte-order-mark"
    case duplicateKey = "duplicate-key"
    /// Read without any message on standard error.
    case clean

    /// Phrases of which standard error must contain at least one (`clean`: standard error must be empty).
    var phrases: [String] {
        switch self {
        case .truncated: ["truncated", "ends before iend"]
        case .badCRC: ["crc mismatch"]
        case .lengthTooLarge: ["above the png maximum 2^31-1"]
        case .decompressionBomb: ["decompressed text exceeds the limit"]
        case .zipBomb: ["compression ratio", "inflates past", "larger than", "above the limit", "exceeds"]
        case .invalidUTF8: ["utf-8"]
        case .tooDeep: ["nesting", "deep"]
        case .stringTooLong: ["string"]
        case .invalidJSON: ["unexpected", "invalid"]
        case .noCard: ["no card"]
        case .damagedArchive: ["past the end", "no end-of-central-directory record"]
        case .byteOrderMark: ["byte-order mark", "bom"]
        case .duplicateKey: ["duplicate"]
        case .clean: []
        }
    }

    /// Whether `stderr` belongs to this class.
    func matches(_ stderr: String) -> Bool {
        let lowered = stderr.lowercased()
        if self == .clean { return lowered.isEmpty }
        return phrases.contains { lowered.contains($0) }
    }
}

/// One generated hostile input and what `cardkit` must do with it.
struct MalformedCase: Sendable, CustomStringConvertible {
    /// A name that says what the input is (also its file name, without the extension).
    var name: String
    /// The file extension (`png`, `json`, `charx`).
    var fileExtension: String
    /// The command run on it (the input path is appended).
    var arguments: [String]
    /// The expected outcome.
    var expected: ExpectedOutcome
    /// Builds the bytes (lazily: some inputs are 100 MB).
    var make: @Sendable () -> Data

    var fileName: String { "\(name).\(fileExtension)" }
    var description: String { name }
}

/// Builds the malformed-input corpus from code: every file is derived from a small valid card by a named
/// mutation, so the corpus can be regenerated and reviewed instead of being a folder of opaque binaries.
enum CorpusGenerator {
    // MARK: - Building blocks

    /// A small V2 card with a lorebook entry.
    static let cardJSON: [UInt8] = Array(
        #"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"Corpus","description":"A generated card.","personality":"","scenario":"","first_mes":"Hello.","mes_example":"","creator_notes":"","system_prompt":"","post_history_instructions":"","alternate_greetings":[],"tags":["test"],"creator":"cardkit","character_version":"1","extensions":{}}}"#
            .utf8)

    /// The PNG file signature.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// One PNG chunk: length, type, body, CRC-32 of type and body.
    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        var out = bigEndian(UInt32(body.count))
        out += typeBytes
        out += body
        out += bigEndian(crc32(typeBytes + body))
        return out
    }

    /// A 2×2 RGB image's IHDR and IDAT chunks.
    static var imageChunks: (ihdr: [UInt8], idat: [UInt8]) {
        let ihdr = chunk("IHDR", bigEndian(UInt32(2)) + bigEndian(UInt32(2)) + [8, 2, 0, 0, 0])
        let rows: [UInt8] = [0, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0, 0x70, 0x80, 0x90, 0xA0, 0xB0, 0xC0]
        return (ihdr, chunk("IDAT", zlib(rows)))
    }

    /// A PNG card: signature, IHDR, IDAT, the given text chunks, IEND.
    static func png(textChunks: [[UInt8]]) -> [UInt8] {
        let image = imageChunks
        return signature + image.ihdr + image.idat + textChunks.joined() + chunk("IEND", [])
    }

    /// The `chara` tEXt chunk of ``cardJSON``.
    static var charaChunk: [UInt8] {
        chunk("tEXt", Array("chara".utf8) + [0] + Array(Data(cardJSON).base64EncodedString().utf8))
    }

    /// The valid PNG card every PNG mutation starts from.
    static var validPNG: [UInt8] { png(textChunks: [charaChunk]) }

    /// The byte offset of every chunk in a PNG (after the signature), with its type.
    static func chunkOffsets(_ png: [UInt8]) -> [(offset: Int, type: String, length: Int)] {
        var result: [(Int, String, Int)] = []
        var offset = signature.count
        while offset + 8 <= png.count {
            let length = Int(readBigEndian(png, at: offset))
            let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            result.append((offset, type, length))
            offset += 12 + length
        }
        return result
    }

    // MARK: - The corpus

    /// Every case, in a stable order.
    static func allCases() -> [MalformedCase] {
        pngCases() + jsonCases() + charxCases()
    }

    /// PNG truncations, CRCs, lengths and decompression bombs.
    static func pngCases() -> [MalformedCase] {
        var cases: [MalformedCase] = []
        let valid = validPNG
        let chunks = chunkOffsets(valid)
        // Truncation at every chunk boundary, and inside every chunk's header, body and CRC.
        for (index, chunk) in chunks.enumerated() {
            let cuts: [(String, Int)] = [
                ("at-boundary", chunk.offset), ("in-header", chunk.offset + 5),
                ("in-body", chunk.offset + 8 + chunk.length / 2),
                ("in-crc", chunk.offset + 8 + chunk.length + 2),
            ]
            for (label, cut) in cuts where cut < valid.count {
                if label == "in-body", chunk.length == 0 { continue }
                let bytes = Array(valid[..<cut])
                cases.append(
                    MalformedCase(
                        name: "png-truncated-\(label)-chunk\(index)-\(chunk.type)", fileExtension: "png",
                        arguments: ["inspect"], expected: .rejected(.truncated), make: { Data(bytes) }))
            }
        }
        cases.append(
            MalformedCase(
                name: "png-truncated-signature-only", fileExtension: "png", arguments: ["inspect"],
                expected: .rejected(.truncated), make: { Data(signature) }))
        // A bad CRC on the card chunk: an error by default; --lenient reads on with a warning.
        let cardChunk = chunks.first { $0.type == "tEXt" }!
        var badCRC = valid
        badCRC[cardChunk.offset + 8 + cardChunk.length] ^= 0xFF
        cases.append(
            MalformedCase(
                name: "png-bad-crc-card-chunk", fileExtension: "png", arguments: ["inspect"],
                expected: .rejected(.badCRC), make: { [badCRC] in Data(badCRC) }))
        cases.append(
            MalformedCase(
                name: "png-bad-crc-card-chunk-lenient", fileExtension: "png", arguments: ["inspect", "--lenient"],
                expected: .accepted(.badCRC), make: { [badCRC] in Data(badCRC) }))
        var badIDATCRC = valid
        let idat = chunks.first { $0.type == "IDAT" }!
        badIDATCRC[idat.offset + 8 + idat.length + 3] ^= 0x01
        cases.append(
            MalformedCase(
                name: "png-bad-crc-idat", fileExtension: "png", arguments: ["inspect"],
                expected: .rejected(.badCRC), make: { [badIDATCRC] in Data(badIDATCRC) }))
        // A chunk length past the end of the file, and one above 2^31.
        for (label, length) in [
            ("past-end", UInt32(1_000_000)), ("above-2-31", UInt32(0x8000_0010)), ("max", UInt32.max),
        ] {
            var bytes = valid
            bytes.replaceSubrange(cardChunk.offset..<(cardChunk.offset + 4), with: bigEndian(length))
            let expected: MessageClass = length > 0x7FFF_FFFF ? .lengthTooLarge : .truncated
            cases.append(
                MalformedCase(
                    name: "png-length-\(label)", fileExtension: "png", arguments: ["inspect"],
                    expected: .rejected(expected), make: { [bytes] in Data(bytes) }))
        }
        // Decompression bombs: 100 MiB of spaces compressed into about 100 KB, in zTXt and in iTXt.
        cases.append(
            MalformedCase(
                name: "png-ztxt-bomb", fileExtension: "png", arguments: ["inspect"],
                expected: .rejected(.decompressionBomb),
                make: {
                    let bomb = zlibRun(byte: 0x41, count: 100 << 20)
                    return Data(png(textChunks: [chunk("zTXt", Array("chara".utf8) + [0, 0] + bomb)]))
                }))
        cases.append(
            MalformedCase(
                name: "png-itxt-bomb", fileExtension: "png", arguments: ["inspect"],
                expected: .rejected(.decompressionBomb),
                make: {
                    let bomb = zlibRun(byte: 0x41, count: 100 << 20)
                    return Data(png(textChunks: [chunk("iTXt", Array("ccv3".utf8) + [0, 1, 0, 0, 0] + bomb)]))
                }))
        // The card payload itself: base64 of invalid UTF-8, and of JSON with a BOM.
        let badUTF8 = Array(cardJSON.prefix(40)) + [0xC3, 0x28] + Array(cardJSON.dropFirst(40))
        cases.append(
            MalformedCase(
                name: "png-card-invalid-utf8", fileExtension: "png", arguments: ["inspect"],
                expected: .rejected(.invalidUTF8),
                make: {
                    Data(
                        png(textChunks: [
                            chunk("tEXt", Array("chara".utf8) + [0] + Array(Data(badUTF8).base64EncodedString().utf8))
                        ]))
                }))
        cases.append(
            MalformedCase(
                name: "png-card-bom", fileExtension: "png", arguments: ["inspect"], expected: .accepted(.byteOrderMark),
                make: {
                    let payload = Data([0xEF, 0xBB, 0xBF] + cardJSON).base64EncodedString()
                    return Data(png(textChunks: [chunk("tEXt", Array("chara".utf8) + [0] + Array(payload.utf8))]))
                }))
        cases.append(
            MalformedCase(
                name: "png-no-card", fileExtension: "png", arguments: ["inspect"], expected: .rejected(.noCard),
                make: { Data(png(textChunks: [chunk("tEXt", Array("Comment".utf8) + [0] + Array("hello".utf8))])) }))
        return cases
    }

    /// JSON: encodings, nesting, sizes, literals.
    static func jsonCases() -> [MalformedCase] {
        let card = String(decoding: cardJSON, as: UTF8.self)
        @Sendable func replacingName(_ value: String) -> String {
            card.replacingOccurrences(of: #""name":"Corpus""#, with: #""name":"# + value)
        }
        func text(_ name: String, _ expected: ExpectedOutcome, _ body: @escaping @Sendable () -> [UInt8])
            -> MalformedCase
        {
            MalformedCase(
                name: name, fileExtension: "json", arguments: ["inspect"], expected: expected, make: { Data(body()) })
        }
        let nameRange = card.range(of: "Corpus")!
        let prefix = Array(card[..<nameRange.lowerBound].utf8)
        let suffix = Array(card[nameRange.upperBound...].utf8)
        return [
            text("json-invalid-utf8-in-string", .rejected(.invalidUTF8)) { prefix + [0xC3, 0x28] + suffix },
            text("json-invalid-utf8-overlong", .rejected(.invalidUTF8)) { prefix + [0xC0, 0xAF] + suffix },
            text("json-invalid-utf8-truncated-sequence", .rejected(.invalidUTF8)) { prefix + [0xE2, 0x82] + suffix },
            text("json-raw-lone-surrogate-utf8", .rejected(.invalidUTF8)) { prefix + [0xED, 0xA0, 0x80] + suffix },
            text("json-escaped-lone-surrogate", .accepted(.clean)) { Array(replacingName(#""\ud800 alone""#).utf8) },
            text("json-escaped-lone-low-surrogate", .accepted(.clean)) { Array(replacingName(#""\udc00""#).utf8) },
            text("json-bom", .accepted(.byteOrderMark)) { [0xEF, 0xBB, 0xBF] + Array(card.utf8) },
            text("json-duplicate-keys", .accepted(.duplicateKey)) {
                Array(card.replacingOccurrences(of: #""name":"Corpus""#, with: #""name":"A","name":"Corpus""#).utf8)
            },
            text("json-nested-100000-arrays", .rejected(.tooDeep)) {
                Array(repeating: UInt8(ascii: "["), count: 100_000)
                    + Array(repeating: UInt8(ascii: "]"), count: 100_000)
            },
            text("json-nested-100000-objects-in-card", .rejected(.tooDeep)) {
                let open = Array(#"{"a":"#.utf8)
                var bytes = Array(card.utf8.dropLast(2)) + Array(#","extensions2":"#.utf8)
                for _ in 0..<100_000 { bytes += open }
                bytes += Array("1".utf8) + Array(repeating: UInt8(ascii: "}"), count: 100_000) + Array("}}".utf8)
                return bytes
            },
            text("json-string-100mb", .rejected(.stringTooLong)) {
                var bytes = prefix
                bytes.reserveCapacity(prefix.count + (100 << 20) + suffix.count)
                bytes += repeatElement(UInt8(ascii: "x"), count: 100 << 20)
                return bytes + suffix
            },
            text("json-nan-literal", .rejected(.invalidJSON)) {
                Array(replacingName(#""N","talkativeness":NaN"#).utf8)
            },
            text("json-infinity-literal", .rejected(.invalidJSON)) {
                Array(replacingName(#""N","talkativeness":Infinity"#).utf8)
            },
            text("json-negative-infinity-literal", .rejected(.invalidJSON)) {
                Array(replacingName(#""N","talkativeness":-Infinity"#).utf8)
            },
            text("json-number-10000-digits", .accepted(.clean)) {
                Array(replacingName(#""N","fav":"# + String(repeating: "9", count: 10_000)).utf8)
            },
            text("json-number-10000-digit-exponent", .accepted(.clean)) {
                Array(replacingName(#""N","fav":1e"# + String(repeating: "7", count: 10_000)).utf8)
            },
            text("json-truncated", .rejected(.truncated)) { Array(card.utf8.dropLast(10)) },
        ]
    }

    /// CharX: zip bombs, honest (ratio) and lying (declared size smaller than the data), and offsets past the end
    /// (which once crashed ZIPFoundation's in-memory reader).
    static func charxCases() -> [MalformedCase] {
        let base =
            (try? zip([("card.json", Data(cardJSON)), ("assets/icon/images/main.png", Data(validPNG))])) ?? Data()
        func patched(_ name: String, _ patch: @escaping @Sendable (inout [UInt8]) -> Void) -> MalformedCase {
            MalformedCase(
                name: name, fileExtension: "charx", arguments: ["inspect"], expected: .rejected(.damagedArchive),
                make: {
                    var bytes = [UInt8](base)
                    patch(&bytes)
                    return Data(bytes)
                })
        }
        return [
            patched("charx-central-directory-offset-past-end") { bytes in
                let eocd = bytes.count - 22
                writeLittleEndian(&bytes, UInt32(bytes.count + 100), at: eocd + 16)
            },
            patched("charx-local-header-offset-past-end") { bytes in
                // The second central directory record's local header offset.
                let eocd = bytes.count - 22
                var record = Int(readLittleEndian(bytes, at: eocd + 16))
                record += 46 + Int(bytes[record + 28]) + Int(bytes[record + 30]) + Int(bytes[record + 32])
                writeLittleEndian(&bytes, 0xFFFF_FF00, at: record + 42)
            },
            MalformedCase(
                name: "charx-16mb-without-end-record", fileExtension: "charx", arguments: ["inspect"],
                expected: .rejected(.damagedArchive),
                make: { Data([0x50, 0x4B, 0x03, 0x04]) + Data(count: 16 << 20) }),
            patched("charx-truncated-before-central-directory") { bytes in
                let eocd = Array(bytes.suffix(22))
                let directory = Int(readLittleEndian(bytes, at: bytes.count - 22 + 16))
                bytes = Array(bytes[..<(directory - 10)]) + eocd
            },
            MalformedCase(
                name: "charx-bomb-high-ratio", fileExtension: "charx", arguments: ["inspect"],
                expected: .rejected(.zipBomb),
                make: {
                    (try? zip([("card.json", Data(cardJSON)), ("assets/other/bomb.bin", Data(count: 64 << 20))]))
                        ?? Data()
                }),
            MalformedCase(
                name: "charx-bomb-lying-size", fileExtension: "charx", arguments: ["inspect"],
                expected: .rejected(.zipBomb),
                make: {
                    let archive =
                        (try? zip([("card.json", Data(cardJSON)), ("assets/other/bomb.bin", Data(count: 64 << 20))]))
                        ?? Data()
                    return understateSizes(archive, of: "assets/other/bomb.bin", as: 1_000)
                }),
            MalformedCase(
                name: "charx-card-json-bomb", fileExtension: "charx", arguments: ["inspect"],
                expected: .rejected(.zipBomb),
                make: {
                    var huge = Data(cardJSON.dropLast(2))
                    huge += Data(#","pad":""#.utf8) + Data(repeating: 0x20, count: 100 << 20) + Data(#""}}"#.utf8)
                    let archive = (try? zip([("card.json", huge)])) ?? Data()
                    return understateSizes(archive, of: "card.json", as: 2_000)
                }),
        ]
    }

    // MARK: - Compression

    /// A zlib stream (RFC 1950) of `bytes`, deflated by zlib through ZIPFoundation.
    static func zlib(_ bytes: [UInt8]) -> [UInt8] {
        var raw = Data()
        let input = Data(bytes)
        _ = try? Data.compress(
            size: Int64(input.count), bufferSize: 64 << 10,
            provider: { position, size in input.subdata(in: Int(position)..<(Int(position) + size)) },
            consumer: { raw.append($0) })
        return [0x78, 0x9C] + Array(raw) + bigEndian(adler32(bytes))
    }

    /// A zlib stream of `count` copies of `byte`, made without holding the inflated bytes.
    static func zlibRun(byte: UInt8, count: Int) -> [UInt8] {
        var raw = Data()
        let block = Data(repeating: byte, count: 1 << 20)
        _ = try? Data.compress(
            size: Int64(count), bufferSize: 1 << 20,
            provider: { _, size in block.prefix(size) },
            consumer: { raw.append($0) })
        // Adler-32 of a run in closed form: a = 1 + n·x, b = n + x·n(n+1)/2 (mod 65521).
        let n = UInt64(count)
        let x = UInt64(byte)
        let a = (1 + n * x) % 65521
        let b = (n + x * (n * (n + 1) / 2 % 65521)) % 65521
        return [0x78, 0x9C] + Array(raw) + bigEndian(UInt32(b << 16 | a))
    }

    /// A deflated ZIP archive of the given entries, built in memory.
    static func zip(_ entries: [(String, Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, data) in entries {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                bufferSize: 1 << 20,
                provider: { position, size in data.subdata(in: Int(position)..<(Int(position) + size)) })
        }
        return archive.data ?? Data()
    }

    /// Rewrites the uncompressed size of `path` in its local header and central directory record to `size`,
    /// as a zip bomb that lies about its size does.
    static func understateSizes(_ archive: Data, of path: String, as size: UInt32) -> Data {
        var bytes = [UInt8](archive)
        let name = Array(path.utf8)
        var index = 0
        while index + 46 <= bytes.count {
            let signature = readLittleEndian(bytes, at: index)
            if signature == 0x0403_4B50 {  // local file header: size at 22, name length at 26, name at 30
                let nameLength = Int(bytes[index + 26]) | Int(bytes[index + 27]) << 8
                if Array(bytes[(index + 30)..<min(bytes.count, index + 30 + nameLength)]) == name {
                    writeLittleEndian(&bytes, size, at: index + 22)
                }
            } else if signature == 0x0201_4B50 {  // central directory: size at 24, name length at 28, name at 46
                let nameLength = Int(bytes[index + 28]) | Int(bytes[index + 29]) << 8
                if Array(bytes[(index + 46)..<min(bytes.count, index + 46 + nameLength)]) == name {
                    writeLittleEndian(&bytes, size, at: index + 24)
                }
            }
            index += 1
        }
        return Data(bytes)
    }

    // MARK: - Checksums and integers

    /// CRC-32 (ISO 3309), as PNG uses.
    static func crc32(_ bytes: [UInt8]) -> UInt32 { TestChecksums.crc32(bytes) }

    /// Adler-32, as zlib streams end with.
    static func adler32(_ bytes: [UInt8]) -> UInt32 { TestChecksums.adler32(bytes) }

    static func bigEndian(_ value: UInt32) -> [UInt8] { TestChecksums.bigEndian(value) }

    static func readBigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    static func readLittleEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    static func writeLittleEndian(_ bytes: inout [UInt8], _ value: UInt32, at offset: Int) {
        for i in 0..<4 { bytes[offset + i] = UInt8(value >> (8 * UInt32(i)) & 0xFF) }
    }
}
