internal import CCardPNG
import CardKitJSON
public import CardModel
package import Foundation

/// Everything a metadata read found in a PNG: the card chunks, assets, other text chunks and warnings.
public struct PNGCardScan: Sendable, Hashable {
    /// The IHDR fields.
    public var header: PNGImageHeader
    /// Every `chara`/`ccv3` chunk in file order (keywords matched case-insensitively, tEXt, zTXt and iTXt).
    public var cardChunks: [PNGCardChunk]
    /// The chunk a reader should use: the first `ccv3`, else the first `chara` (SillyTavern's rule).
    public var selected: PNGCardChunk?
    /// RisuAI asset chunks in file order.
    public var assets: [PNGCardAsset]
    /// The text chunks that are neither card nor asset chunks (for example `Title`, `Author`).
    public var otherTextChunks: [PNGChunkLocation]
    /// The number of chunks, IEND included.
    public var chunkCount: Int
    /// The number of IDAT chunks.
    public var imageDataChunkCount: Int
    /// Warnings: bad CRCs read leniently, duplicates, `chara`/`ccv3` disagreement, base64 leniencies, bytes after
    /// IEND, undecodable unselected chunks.
    public var diagnostics: [Diagnostic]
}

/// The result of reading a PNG card: the chosen JSON plus everything ``PNGCardScan`` holds.
package struct PNGCardReadResult: Sendable, Hashable {
    /// The chunk the card was read from.
    package var selected: PNGCardChunk
    /// The full scan.
    package var scan: PNGCardScan
    /// The card's UTF-8 JSON bytes, exactly as embedded.
    package var json: [UInt8] { selected.json }
    /// The scan's warnings.
    package var diagnostics: [Diagnostic] { scan.diagnostics }
}

/// Reads character cards from PNG files without decoding the image.
///
/// The reader works in three steps:
/// 1. A bounded byte-level walk checks the signature and every chunk's length, type and CRC (zlib `crc32`), never
///    copying chunk data.
/// 2. Each `tEXt`, `zTXt` or `iTXt` chunk whose keyword is `chara`, `ccv3` (any case) or `chara-ext-asset_…` is
///    decoded: inflated within ``PNGReadOptions/maxInflatedTextLength`` when compressed, then base64-decoded
///    leniently (each leniency is reported).
/// 3. The first `ccv3` chunk is selected, else the first `chara` chunk; duplicates and a `chara`/`ccv3`
///    disagreement are reported as warnings.
///
/// For a check that also runs libpng and decodes the pixels, see ``PNGImageCheck``.
package enum PNGCardReader {
    /// Reads the card in a PNG held in memory.
    ///
    /// - Parameters:
    ///   - png: the file's bytes.
    ///   - options: limits and the CRC policy.
    /// - Returns: the selected card chunk and the full scan.
    /// - Throws: ``PNGCardError``, including ``PNGCardError/noCard(textKeywords:)`` when there is no card chunk.
    package static func read(_ png: some ContiguousBytes, options: PNGReadOptions = .init()) throws(PNGCardError)
        -> PNGCardReadResult
    {
        let scan = try scan(png, options: options)
        guard let selected = scan.selected else {
            let keywords = scan.cardChunks.map(\.location.keyword) + scan.otherTextChunks.map(\.keyword)
            throw .noCard(textKeywords: keywords)
        }
        return PNGCardReadResult(selected: selected, scan: scan)
    }

    /// Reads the card in a PNG file: memory-mapped when it is a regular file of 4 MiB or more, read into memory
    /// otherwise.
    ///
    /// A large file truncated by another process while it is being read can end the process with `SIGBUS`, as with
    /// any memory-mapped read; read the bytes yourself and call ``read(_:options:)`` when that matters.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - options: limits and the CRC policy.
    /// - Returns: the selected card chunk and the full scan.
    /// - Throws: ``PNGCardError`` for the PNG, or Foundation's error when the file cannot be opened.
    package static func read(contentsOf url: URL, options: PNGReadOptions = .init()) throws -> PNGCardReadResult {
        let file = try MappedFile(url: url, maxSize: options.maxFileSize)
        return try read(file, options: options)
    }

    /// Scans a PNG for card chunks without requiring one to be present.
    ///
    /// - Parameters:
    ///   - png: the file's bytes.
    ///   - options: limits and the CRC policy.
    /// - Returns: every card, asset and text chunk found, with warnings; ``PNGCardScan/selected`` is nil when the
    ///   PNG holds no card.
    /// - Throws: ``PNGCardError`` for a malformed container, or when the selected chunk cannot be decoded.
    package static func scan(_ png: some ContiguousBytes, options: PNGReadOptions = .init()) throws(PNGCardError)
        -> PNGCardScan
    {
        let result: Result<PNGCardScan, PNGCardError> = png.withUnsafeBytes { bytes in
            do throws(PNGCardError) {
                return .success(try scan(bytes: bytes, options: options))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: - Implementation

    static func scan(bytes: UnsafeRawBufferPointer, options: PNGReadOptions) throws(PNGCardError) -> PNGCardScan {
        var diagnostics: [Diagnostic] = []
        var cardChunks: [PNGCardChunk] = []
        var assets: [PNGCardAsset] = []
        var others: [PNGChunkLocation] = []
        var chunkCount = 0
        var imageDataCount = 0
        var totalText = 0

        var chunkDiagnostics: [Diagnostic] = []
        let header = try PNGChunkWalker.walk(bytes, options: options, diagnostics: &diagnostics) {
            (chunk) throws(PNGCardError) in
            chunkCount += 1
            let textType: PNGTextChunkType
            switch chunk.type {
            case .IDAT:
                imageDataCount += 1
                return
            case .tEXt: textType = .tEXt
            case .zTXt: textType = .zTXt
            case .iTXt: textType = .iTXt
            default: return
            }
            let data = UnsafeRawBufferPointer(rebasing: bytes[chunk.dataOffset..<chunk.dataOffset + chunk.length])
            guard let keywordEnd = TextChunk.keywordEnd(data) else {
                chunkDiagnostics.append(
                    Diagnostic(
                        .warning,
                        code: .pngMalformedTextChunk,
                        offset: chunk.offset,
                        "\(textType.rawValue) chunk has no keyword of 1-79 bytes ending in NUL; ignored"
                    )
                )
                return
            }
            let keyword = TextChunk.latin1(UnsafeRawBufferPointer(rebasing: data[0..<keywordEnd]))
            let location = PNGChunkLocation(
                chunkType: textType,
                keyword: keyword,
                chunkIndex: chunk.index,
                offset: chunk.offset,
                length: chunk.length,
                afterImageData: chunk.afterImageData
            )
            let kind = TextChunk.classify(keyword)
            if case .other = kind {
                others.append(location)
                return
            }
            if case .asset = kind, assets.count >= options.maxAssetChunks {
                chunkDiagnostics.append(
                    Diagnostic(
                        .warning, code: .pngBadAssetChunk, offset: chunk.offset,
                        "more than \(options.maxAssetChunks) asset chunks; '\(keyword)' and later ones skipped"))
                return
            }

            // A card or asset chunk: decode its text, within the limits.
            let text: Result<TextChunk.Payload, PNGCardError>
            if chunk.length > options.maxTextChunkLength {
                text = .failure(
                    .textChunkTooLarge(
                        chunkType: textType.rawValue,
                        offset: chunk.offset,
                        length: chunk.length,
                        limit: options.maxTextChunkLength
                    )
                )
            } else {
                let budget = max(0, min(options.maxInflatedTextLength, options.maxTotalTextLength - totalText))
                text = TextChunk.text(
                    of: data,
                    keywordEnd: keywordEnd,
                    type: textType,
                    keyword: keyword,
                    offset: chunk.offset,
                    inflateLimit: budget,
                    limitError: options.maxTotalTextLength - totalText < options.maxInflatedTextLength
                        ? options.maxTotalTextLength : options.maxInflatedTextLength
                )
            }
            if case .success(let bytes) = text {
                totalText += bytes.count
                if totalText > options.maxTotalTextLength {
                    throw .inflatedTextTooLarge(
                        chunkType: textType.rawValue,
                        keyword: keyword,
                        offset: chunk.offset,
                        limit: options.maxTotalTextLength
                    )
                }
            }

            switch kind {
            case .other:
                return
            case .asset(let name):
                let decoded = text.flatMap { payload in
                    payload.withBytes { decodePayload($0, location: location, diagnostics: &chunkDiagnostics) }
                }
                switch decoded {
                case .success(let data):
                    assets.append(PNGCardAsset(name: name, location: location, data: data))
                case .failure(let error):
                    chunkDiagnostics.append(
                        Diagnostic(.warning, code: .pngBadAssetChunk, offset: chunk.offset, "\(error); skipped")
                    )
                }
            case .card(let role):
                let decoded = text.flatMap { payload -> Result<[UInt8], PNGCardError> in
                    payload.withBytes { text in
                        if text.starts(with: "rcc||".utf8) {
                            return .failure(
                                .encryptedRisuCard(
                                    chunkType: textType.rawValue,
                                    keyword: keyword,
                                    offset: chunk.offset
                                )
                            )
                        }
                        return decodePayload(text, location: location, diagnostics: &chunkDiagnostics)
                    }
                }
                switch decoded {
                case .success(let json):
                    cardChunks.append(PNGCardChunk(role: role, location: location, json: json))
                case .failure(let error):
                    cardChunks.append(PNGCardChunk(role: role, location: location, json: [], problem: error))
                }
            }
        }

        diagnostics += chunkDiagnostics
        let selected = cardChunks.first { $0.role == .ccv3 } ?? cardChunks.first { $0.role == .chara }
        if let selected, let problem = selected.problem { throw problem }
        for chunk in cardChunks where chunk != selected {
            if let problem = chunk.problem {
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        code: .pngBadCardChunk,
                        offset: chunk.location.offset,
                        "unused card chunk cannot be decoded: \(problem)"
                    )
                )
            }
        }
        for role in [PNGCardChunk.Role.ccv3, .chara] {
            let same = cardChunks.filter { $0.role == role }
            guard same.count > 1, let first = same.first else { continue }
            let ignored = same.dropFirst().map { "byte \($0.location.offset)" }.joined(separator: ", ")
            let differing = same.dropFirst().contains { $0.json != first.json }
            diagnostics.append(
                Diagnostic(
                    .warning,
                    code: .pngDuplicateCardChunk,
                    offset: same[1].location.offset,
                    "\(same.count) '\(role.rawValue)' chunks: the first (byte \(first.location.offset)) is used, "
                        + "ignored: \(ignored)" + (differing ? " (their contents differ)" : " (identical)")
                )
            )
        }
        if options.compareCardChunks,
            let ccv3 = cardChunks.first(where: { $0.role == .ccv3 && $0.problem == nil }),
            let chara = cardChunks.first(where: { $0.role == .chara && $0.problem == nil }),
            let fields = disagreement(chara: chara.json, ccv3: ccv3.json), !fields.isEmpty
        {
            diagnostics.append(
                Diagnostic(
                    .warning,
                    code: .pngCharaCCV3Disagree,
                    offset: chara.location.offset,
                    "'chara' (byte \(chara.location.offset)) and 'ccv3' (byte \(ccv3.location.offset)) disagree on "
                        + fields.joined(separator: ", ") + "; 'ccv3' is used"
                )
            )
        }
        return PNGCardScan(
            header: header,
            cardChunks: cardChunks,
            selected: selected,
            assets: assets,
            otherTextChunks: others,
            chunkCount: chunkCount,
            imageDataChunkCount: imageDataCount,
            diagnostics: diagnostics
        )
    }

    static func decodePayload(
        _ text: UnsafeRawBufferPointer,
        location: PNGChunkLocation,
        diagnostics: inout [Diagnostic]
    ) -> Result<[UInt8], PNGCardError> {
        let result: Result<(bytes: [UInt8], leniencies: PNGBase64.Leniencies), PNGBase64.Failure>
        do throws(PNGBase64.Failure) {
            result = .success(try PNGBase64.decode(text))
        } catch {
            result = .failure(error)
        }
        let decoded: (bytes: [UInt8], leniencies: PNGBase64.Leniencies)
        switch result {
        case .success(let value):
            decoded = value
        case .failure(let error):
            let position: Int
            switch error {
            case .invalidCharacter(let p), .truncatedQuantum(let p): position = p
            }
            return .failure(
                .invalidBase64(
                    chunkType: location.chunkType.rawValue,
                    keyword: location.keyword,
                    offset: location.offset,
                    position: position
                )
            )
        }
        let name = "\(location.chunkType.rawValue) '\(location.keyword)'"
        if decoded.leniencies.contains(.whitespace) {
            diagnostics.append(
                Diagnostic(
                    .warning,
                    code: .pngBase64Whitespace,
                    offset: location.offset,
                    "\(name): base64 payload contains whitespace (ignored)"
                )
            )
        }
        if decoded.leniencies.contains(.urlSafeAlphabet) {
            diagnostics.append(
                Diagnostic(
                    .warning,
                    code: .pngBase64URLSafe,
                    offset: location.offset,
                    "\(name): base64 payload uses the URL-safe alphabet (- and _)"
                )
            )
        }
        if decoded.leniencies.contains(.missingPadding) {
            diagnostics.append(
                Diagnostic(
                    .warning,
                    code: .pngBase64MissingPadding,
                    offset: location.offset,
                    "\(name): base64 payload lacks its = padding"
                )
            )
        }
        return .success(decoded.bytes)
    }

    /// The card fields on which a `chara` and a `ccv3` payload differ (ignoring `spec`, `spec_version` and
    /// `extensions`), or nil when either is not a JSON object.
    static func disagreement(chara: [UInt8], ccv3: [UInt8]) -> [String]? {
        if sameApartFromSpec(chara: chara, ccv3: ccv3) { return [] }
        return dataDisagreementBySpans(chara: chara, ccv3: ccv3) ?? disagreementByParsing(chara: chara, ccv3: ccv3)
    }

    /// ``disagreement(chara:ccv3:)`` by parsing both documents in full: the general path, for V1 `chara` payloads
    /// and documents ``dataDisagreementBySpans(chara:ccv3:)`` cannot follow.
    static func disagreementByParsing(chara: [UInt8], ccv3: [UInt8]) -> [String]? {
        guard let charaRoot = (try? JSONParser.parse(chara))?.value.objectValue,
            let ccv3Root = (try? JSONParser.parse(ccv3))?.value.objectValue
        else { return nil }
        let v3Data = ccv3Root["data"]?.objectValue ?? ccv3Root
        let v2Data: JSONObject
        var keys: [String]
        if let data = charaRoot["data"]?.objectValue {
            v2Data = data
            keys = Array(v3Data.keys)
        } else {
            // V1 at the root of `chara`: compare the V1 fields only.
            v2Data = charaRoot
            keys = ["name", "description", "personality", "scenario", "first_mes", "mes_example"]
        }
        keys.removeAll { $0 == "extensions" }
        var differing: [String] = []
        for key in keys {
            guard let a = v2Data[key], let b = v3Data[key] else { continue }
            if !a.isSemanticallyEqual(to: b) { differing.append("data.\(key)") }
        }
        return differing
    }
}

extension PNGCardReader {
    /// The ``disagreement(chara:ccv3:)`` of two documents that both hold a `data` object, found without parsing
    /// them: each `data` member's bytes are compared, and only members whose bytes differ are parsed and compared
    /// as values.
    ///
    /// CardKit's own pairs (a V2 backfill in `chara`, whose V3-only fields live under
    /// `data.extensions`) differ only in `extensions`, so the documents are scanned but never parsed.
    /// - Returns: The differing fields, or nil when either document is not a shape the scan follows (no `data`
    ///   object, an escaped key, broken structure) or a differing member does not parse; the caller then parses
    ///   both documents.
    static func dataDisagreementBySpans(chara: [UInt8], ccv3: [UInt8]) -> [String]? {
        func dataMembers(_ document: [UInt8]) -> (order: [ArraySlice<UInt8>], ranges: [ArraySlice<UInt8>: Range<Int>])?
        {
            guard let root = JSONMemberSpans(document),
                let data = root.lastValueByKey.ranges[ArraySlice("data".utf8)],
                let members = JSONMemberSpans(document, in: data)
            else { return nil }
            return members.lastValueByKey
        }
        guard let v2Data = dataMembers(chara), let v3Data = dataMembers(ccv3) else { return nil }
        let extensions = ArraySlice("extensions".utf8)
        var differing: [String] = []
        for key in v3Data.order where key != extensions {
            guard let a = v2Data.ranges[key], let b = v3Data.ranges[key] else { continue }
            let sameBytes = chara.withUnsafeBytes { charaBytes in
                ccv3.withUnsafeBytes { ccv3Bytes in
                    a.count == b.count
                        && memcmp(
                            charaBytes.baseAddress! + a.lowerBound, ccv3Bytes.baseAddress! + b.lowerBound, a.count) == 0
                }
            }
            if sameBytes { continue }
            guard let aValue = try? JSONParser.parse(chara[a]).value, let bValue = try? JSONParser.parse(ccv3[b]).value
            else { return nil }
            if !aValue.isSemanticallyEqual(to: bValue) {
                differing.append("data.\(String(decoding: key, as: UTF8.self))")
            }
        }
        return differing
    }

    /// Whether `ccv3` is `chara` with only `"spec":"chara_card_v2"` and `"spec_version":"2.0"` (near the start) changed
    /// to their V3 values, as SillyTavern writes the pair: then they agree without parsing either document.
    static func sameApartFromSpec(chara: [UInt8], ccv3: [UInt8]) -> Bool {
        guard chara.count == ccv3.count else { return false }
        if chara == ccv3 { return true }
        var patched = chara
        let pairs: [(String, String)] = [
            (#""spec":"chara_card_v2""#, #""spec":"chara_card_v3""#),
            (#""spec_version":"2.0""#, #""spec_version":"3.0""#),
        ]
        for (old, new) in pairs {
            let needle = Array(old.utf8)
            let window = min(patched.count, 512)
            guard window >= needle.count,
                let start = (0...(window - needle.count)).first(where: { i in
                    patched[i] == needle[0] && patched[i..<i + needle.count].elementsEqual(needle)
                })
            else { continue }
            patched.replaceSubrange(start..<start + needle.count, with: Array(new.utf8))
        }
        return patched == ccv3
    }
}

// MARK: - Text chunk layout

enum TextChunk {
    enum Kind {
        case card(PNGCardChunk.Role)
        case asset(name: String)
        case other
    }

    /// The index of the NUL ending a 1-79 byte keyword, or nil.
    static func keywordEnd(_ data: UnsafeRawBufferPointer) -> Int? {
        let limit = min(data.count, 80)
        for i in 0..<limit where data[i] == 0 { return i == 0 ? nil : i }
        return nil
    }

    static func latin1(_ bytes: UnsafeRawBufferPointer) -> String {
        var string = ""
        string.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return string
    }

    static func classify(_ keyword: String) -> Kind {
        let lower = keyword.lowercased()
        if lower == "chara" { return .card(.chara) }
        if lower == "ccv3" { return .card(.ccv3) }
        if lower.hasPrefix("chara-ext-asset_") {
            var name = keyword.dropFirst("chara-ext-asset_".count)
            if name.hasPrefix(":") { name = name.dropFirst() }
            return .asset(name: String(name))
        }
        return .other
    }

    /// Whether a keyword names a RisuAI asset chunk (`chara-ext-asset_…`, any case).
    static func isAssetKeyword(_ keyword: UnsafeRawBufferPointer) -> Bool {
        let prefix = "chara-ext-asset_".utf8
        guard keyword.count >= prefix.count else { return false }
        return zip(keyword, prefix).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
    }

    /// Whether a keyword is a card keyword (`chara` or `ccv3`, any case).
    static func isCardKeyword(_ keyword: UnsafeRawBufferPointer) -> Bool {
        func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
        if keyword.count == 5 {
            return zip(keyword, "chara".utf8).allSatisfy { lower($0) == $1 }
        }
        if keyword.count == 4 {
            return zip(keyword, "ccv3".utf8).allSatisfy { lower($0) == $1 }
        }
        return false
    }

    /// The text of a chunk: borrowed from the file's bytes (tEXt, uncompressed iTXt) or inflated.
    enum Payload {
        case borrowed(UnsafeRawBufferPointer)
        case inflated([UInt8])

        var count: Int {
            switch self {
            case .borrowed(let raw): raw.count
            case .inflated(let bytes): bytes.count
            }
        }

        func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            switch self {
            case .borrowed(let raw): body(raw)
            case .inflated(let bytes): bytes.withUnsafeBytes(body)
            }
        }
    }

    /// The text of a tEXt/zTXt/iTXt chunk, inflated when compressed.
    ///
    /// A borrowed payload is valid only while `data` is.
    static func text(
        of data: UnsafeRawBufferPointer,
        keywordEnd: Int,
        type: PNGTextChunkType,
        keyword: String,
        offset: Int,
        inflateLimit: Int,
        limitError: Int
    ) -> Result<Payload, PNGCardError> {
        func malformed(_ reason: String) -> Result<Payload, PNGCardError> {
            .failure(.malformedTextChunk(chunkType: type.rawValue, keyword: keyword, offset: offset, reason: reason))
        }
        var position = keywordEnd + 1
        switch type {
        case .tEXt:
            return .success(.borrowed(UnsafeRawBufferPointer(rebasing: data[position...])))
        case .zTXt:
            guard position < data.count else { return malformed("missing compression method") }
            guard data[position] == 0 else { return malformed("unknown compression method \(data[position])") }
            position += 1
            return inflate(
                UnsafeRawBufferPointer(rebasing: data[position...]),
                limit: inflateLimit,
                limitError: limitError,
                type: type,
                keyword: keyword,
                offset: offset
            ).map { .inflated($0) }
        case .iTXt:
            guard position + 2 <= data.count else { return malformed("missing compression flag and method") }
            let flag = data[position]
            let method = data[position + 1]
            guard flag <= 1 else { return malformed("invalid compression flag \(flag)") }
            guard flag == 0 || method == 0 else { return malformed("unknown compression method \(method)") }
            position += 2
            for field in ["language tag", "translated keyword"] {
                guard let end = data[position...].firstIndex(of: 0) else { return malformed("\(field) has no NUL") }
                position = end + 1
            }
            let rest = UnsafeRawBufferPointer(rebasing: data[position...])
            if flag == 0 { return .success(.borrowed(rest)) }
            return inflate(
                rest,
                limit: inflateLimit,
                limitError: limitError,
                type: type,
                keyword: keyword,
                offset: offset
            ).map { .inflated($0) }
        }
    }

    /// Inflates a zlib stream into at most `limit` bytes, growing the buffer geometrically.
    static func inflate(
        _ input: UnsafeRawBufferPointer,
        limit: Int,
        limitError: Int,
        type: PNGTextChunkType,
        keyword: String,
        offset: Int
    ) -> Result<[UInt8], PNGCardError> {
        var capacity = min(limit, max(input.count * 4, 1 << 16))
        var message = [CChar](repeating: 0, count: 256)
        while true {
            var produced = 0
            var status = CCARD_PNG_OK
            let output = [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, count in
                status = ccard_png_inflate(
                    input.baseAddress ?? UnsafeRawPointer(buffer.baseAddress!),
                    input.count,
                    buffer.baseAddress!,
                    capacity,
                    &produced,
                    &message,
                    message.count
                )
                count = status == CCARD_PNG_OK ? produced : 0
            }
            switch status {
            case CCARD_PNG_OK:
                return .success(output)
            case CCARD_PNG_ERR_TOO_LARGE where capacity < limit:
                capacity = limit - capacity < capacity * 3 ? limit : capacity * 4
            case CCARD_PNG_ERR_TOO_LARGE:
                return .failure(
                    .inflatedTextTooLarge(chunkType: type.rawValue, keyword: keyword, offset: offset, limit: limitError)
                )
            default:
                let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                return .failure(
                    .malformedTextChunk(
                        chunkType: type.rawValue,
                        keyword: keyword,
                        offset: offset,
                        reason: "compressed text is corrupt (zlib: \(text))"
                    )
                )
            }
        }
    }
}
