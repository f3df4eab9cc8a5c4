// card-corpus: writes a deterministic benchmark corpus of realistic character cards.
//
//   card-corpus --count 1000 --out DIR [--seed 42] [--small-images]
//
// --small-images draws every avatar at 16-48 px (a few KB) and no 4096x4096 one, so that 100,000 cards fit the
// disk; the card JSON (lorebooks, text, chunk types, placement) is drawn the same way as without it.
//
// DIR/png/card-NNNNN.png   PNG cards: noise images (incompressible, so file sizes are real) of 0.3-1.5 MB, and
//                          a few 4096x4096 images; V2 cards (`chara`) and V3 cards (`chara` V2 backfill + `ccv3`);
//                          lorebooks of 0 to 5,000 entries; English, CJK and emoji text; card chunks in tEXt
//                          (through CardKit's PNGCardWriter), zTXt and iTXt (compressed or not), after the image
//                          data (SillyTavern's layout) or before it.
// DIR/json/card-NNNNN.json the card JSON of the same card (the `ccv3` JSON for V3 cards, the `chara` JSON for V2).
// DIR/manifest.tsv         one line per card: file, bytes, spec, lorebook entries, chunk type, placement, image side.
//
// Everything is derived from the seed, so the same flags give the same bytes.
import CardKit
import Foundation

// MARK: - zlib (linked into every CardKit binary through CCardPNG; looked up at run time)

typealias Compress2 =
    @convention(c) (
        UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt>, UnsafePointer<UInt8>, UInt, Int32
    ) -> Int32
typealias CompressBound = @convention(c) (UInt) -> UInt
typealias CRC32Function = @convention(c) (UInt, UnsafePointer<UInt8>?, UInt32) -> UInt

enum Zlib {
    static func symbol<T>(_ name: String, as type: T.Type) -> T {
        guard let pointer = dlsym(dlopen(nil, RTLD_NOW), name) else {
            FileHandle.standardError.write(Data("card-corpus: zlib symbol \(name) not found\n".utf8))
            exit(1)
        }
        return unsafeBitCast(pointer, to: type)
    }
    static let compress2Function = symbol("compress2", as: Compress2.self)
    static let compressBoundFunction = symbol("compressBound", as: CompressBound.self)
    static let crc32Function = symbol("crc32", as: CRC32Function.self)

    /// zlib-format compression at level 6, as libpng writes zTXt and compressed iTXt.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var length = compressBoundFunction(UInt(input.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { inp in
                compress2Function(out.baseAddress!, &length, inp.baseAddress!, UInt(inp.count), 6)
            }
        }
        precondition(status == 0, "compress2 failed with \(status)")
        output.removeSubrange(Int(length)...)
        return output
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32Function(0, $0.baseAddress, UInt32($0.count))) }
    }
}

// MARK: - Chunks

func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let body = Array(type.utf8) + data
    return be32(UInt32(data.count)) + body + be32(Zlib.crc32(body))
}

func base64(_ bytes: [UInt8]) -> [UInt8] { Array(Data(bytes).base64EncodedData()) }

enum ChunkType: String { case tEXt, zTXt, iTXt, iTXtCompressed = "iTXt-z" }

func textChunk(_ type: ChunkType, keyword: String, json: [UInt8]) -> [UInt8] {
    let text = base64(json)
    let key = Array(keyword.utf8)
    switch type {
    case .tEXt: return chunk("tEXt", key + [0] + text)
    case .zTXt: return chunk("zTXt", key + [0, 0] + Zlib.compress(text))
    case .iTXt: return chunk("iTXt", key + [0, 0, 0, 0, 0] + text)
    case .iTXtCompressed: return chunk("iTXt", key + [0, 1, 0, 0, 0] + Zlib.compress(text))
    }
}

/// Splits a PNG into (signature + chunks before the first IDAT, IDAT run, the rest up to IEND, IEND).
func splitAroundImageData(_ png: [UInt8]) -> (head: ArraySlice<UInt8>, idat: ArraySlice<UInt8>, tail: ArraySlice<UInt8>)
{
    var offset = 8
    var firstIDAT = -1
    var afterIDAT = -1
    var iend = -1
    while offset + 8 <= png.count {
        let length =
            Int(png[offset]) << 24 | Int(png[offset + 1]) << 16 | Int(png[offset + 2]) << 8 | Int(png[offset + 3])
        let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
        if type == "IDAT" {
            if firstIDAT < 0 { firstIDAT = offset }
        } else if firstIDAT >= 0 && afterIDAT < 0 {
            afterIDAT = offset
        }
        if type == "IEND" { iend = offset; break }
        offset += length + 12
    }
    precondition(firstIDAT > 0 && afterIDAT > 0 && iend > 0, "encoder output has no IDAT/IEND")
    return (png[..<firstIDAT], png[firstIDAT..<afterIDAT], png[afterIDAT..<iend])
}

// MARK: - Deterministic randomness

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}

// MARK: - Images

/// RGBA noise encoded by CardKit's libpng encoder at level 0: stored deflate blocks, so the file is as large as the
/// pixels (a photo-like avatar that does not compress).
func noiseImage(side: Int, rng: inout SplitMix64) throws -> [UInt8] {
    var pixels = [UInt8](repeating: 255, count: side * side * 4)
    pixels.withUnsafeMutableBytes { raw in
        let words = raw.bindMemory(to: UInt64.self)
        for i in 0..<words.count { words[i] = rng.next() | 0xFF00_0000_FF00_0000 }
    }
    return try PNGImageEncoder.encodeRGBA(pixels, width: side, height: side, compressionLevel: 0)
}

/// A 4096x4096 avatar like an upscaled render: gradients with low-bit noise, zlib level 6 (about 20-30 MB).
func largeImage(rng: inout SplitMix64) throws -> [UInt8] {
    let side = 4096
    var pixels = [UInt8](repeating: 255, count: side * side * 4)
    for y in 0..<side {
        for x in 0..<side {
            let i = (y * side + x) * 4
            let noise = UInt8(truncatingIfNeeded: rng.next() & 0x1F)
            pixels[i] = UInt8(truncatingIfNeeded: x / 16) &+ noise
            pixels[i + 1] = UInt8(truncatingIfNeeded: y / 16) &+ noise
            pixels[i + 2] = UInt8(truncatingIfNeeded: (x + y) / 32)
        }
    }
    return try PNGImageEncoder.encodeRGBA(pixels, width: side, height: side, compressionLevel: 6)
}

// MARK: - Card text

let english = [
    "the", "tavern", "keeper", "smiles", "and", "pours", "a", "drink", "while", "rain", "falls", "outside", "her",
    "sword", "rests", "by", "fire", "{{user}}", "{{char}}", "remembers", "old", "war", "quietly", "laughs",
]
let cjk = ["日本", "酒場", "雨が降る", "剣", "微笑む", "爱", "故事", "你好", "세계", "기사", "夜", "月"]
let emoji = ["🌸", "🍺", "⚔️", "🔥", "😊", "🐉", "✨", "👩‍🚀", "🏳️‍🌈"]

func prose(_ target: Int, rng: inout SplitMix64) -> String {
    var text = ""
    while text.utf8.count < target {
        switch rng.next() % 10 {
        case 0, 1: text += rng.pick(cjk)
        case 2: text += rng.pick(emoji) + " "
        default: text += rng.pick(english) + " "
        }
        if rng.next() % 12 == 0 { text += ".\r\n" }
    }
    return text
}

func lorebookSize(index: Int, rng: inout SplitMix64) -> Int {
    if index % 200 == 7 { return 5_000 }  // 0.5% of cards carry a 5,000-entry book
    switch (index &* 7_919) % 100 {  // a fixed permutation, so book size does not follow the other index-based choices
    case 0..<40: return 0
    case 40..<80: return rng.int(1...50)
    case 80..<95: return rng.int(51...500)
    default: return rng.int(501...2_000)
    }
}

func entry(_ id: Int, v3: Bool, rng: inout SplitMix64) -> JSONValue {
    var object: JSONObject = [
        "keys": .array([.string(rng.pick(english)), .string(rng.pick(cjk))]),
        "content": .string(prose(rng.int(60...400), rng: &rng)),
        "extensions": ["position": 0, "depth": 4, "probability": 100, "useProbability": true],
        "enabled": .bool(rng.next() % 10 != 0),
        "insertion_order": .number(JSONNumber(rng.int(0...200))),
        "case_sensitive": false,
        "name": .string("entry \(id) \(rng.pick(emoji))"),
        "priority": 10,
        "id": .number(JSONNumber(id)),
        "comment": .string(rng.pick(english)),
        "selective": .bool(rng.next() % 2 == 0),
        "secondary_keys": [],
        "constant": false,
        "position": .string(rng.next() % 2 == 0 ? "before_char" : "after_char"),
    ]
    if v3 { object["use_regex"] = false }
    return .object(object)
}

func cardData(index: Int, entries: Int, v3: Bool, rng: inout SplitMix64) -> JSONObject {
    var data: JSONObject = [
        "name": .string(
            "\(rng.pick(["Seraphina", "Aoi", "Kestrel", "Mireille"])) \(rng.pick(cjk)) \(rng.pick(emoji)) #\(index)"),
        "description": .string(prose(rng.int(2_000...24_000), rng: &rng)),
        "personality": .string(prose(rng.int(100...1_000), rng: &rng)),
        "scenario": .string(prose(rng.int(100...2_000), rng: &rng)),
        "first_mes": .string(prose(rng.int(200...3_000), rng: &rng)),
        "mes_example": .string("<START>\r\n{{user}}: " + prose(rng.int(100...1_500), rng: &rng)),
        "creator_notes": .string(prose(rng.int(0...600), rng: &rng)),
        "system_prompt": "",
        "post_history_instructions": "",
        "alternate_greetings": .array((0..<rng.int(0...3)).map { _ in .string(prose(rng.int(100...800), rng: &rng)) }),
        "tags": .array((0..<rng.int(1...6)).map { _ in .string(rng.pick(english + cjk)) }),
        "creator": "cardkit-bench",
        "character_version": "1.0",
        "extensions": ["talkativeness": 0.5, "fav": false, "world": "", "depth_prompt": ["prompt": "", "depth": 4]],
    ]
    if entries > 0 {
        data["character_book"] = .object([
            "name": .string("Book of #\(index)"),
            "scan_depth": 50,
            "token_budget": 2048,
            "recursive_scanning": false,
            "extensions": [:],
            "entries": .array((0..<entries).map { entry($0, v3: v3, rng: &rng) }),
        ])
    }
    if v3 {
        data["group_only_greetings"] = []
        data["nickname"] = .string(rng.pick(cjk))
        data["creator_notes_multilingual"] = ["ja": .string(rng.pick(cjk)), "en": "notes"]
        data["source"] = [.string("https://example.com/cards/\(index)")]
        data["creation_date"] = 1_704_067_200
        data["modification_date"] = 1_717_200_000
        data["assets"] = [["type": "icon", "uri": "ccdefault:", "name": "main", "ext": "png"]]
    }
    return data
}

// MARK: - Main

var count = 1_000
var outPath = "Benchmarks/.corpus/1000"
var seed: UInt64 = 42
var smallImages = false
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    switch flag {
    case "--count": count = Int(arguments.popFirst() ?? "") ?? count
    case "--out": outPath = arguments.popFirst() ?? outPath
    case "--seed": seed = UInt64(arguments.popFirst() ?? "") ?? seed
    case "--small-images": smallImages = true
    default:
        let usage = "usage: card-corpus --count N --out DIR [--seed S] [--small-images]\n"
        FileHandle.standardError.write(Data(usage.utf8))
        exit(2)
    }
}

let out = URL(fileURLWithPath: outPath)
let fm = FileManager.default
try? fm.removeItem(at: out)
for folder in ["png", "json"] {
    try fm.createDirectory(at: out.appendingPathComponent(folder), withIntermediateDirectories: true)
}

var rng = SplitMix64(state: seed)
// A pool of distinct avatars (every card file is still distinct: its card chunks differ).
let poolSize = min(count, 200)
var pool: [(side: Int, png: [UInt8])] = []
for i in 0..<poolSize {
    // 0.3-1.5 MB: side 274..612 px of 4-byte noise, spread evenly over the pool.
    let side = smallImages ? 16 + 32 * i / max(1, poolSize - 1) : 274 + (612 - 274) * i / max(1, poolSize - 1)
    pool.append((side, try noiseImage(side: side, rng: &rng)))
}
let large = smallImages ? [] : try largeImage(rng: &rng)

var manifest = "file\tbytes\tspec\tentries\tchunk\tplacement\tside\n"
var totalBytes = 0
for index in 0..<count {
    let isLarge = !smallImages && index % 250 == 3  // 0.4% of cards have a 4096x4096 image
    let image = isLarge ? (side: 4096, png: large) : pool[Int(rng.next() % UInt64(pool.count))]
    let v3 = index % 2 == 0
    let entries = lorebookSize(index: index, rng: &rng)
    let data = cardData(index: index, entries: entries, v3: v3, rng: &rng)
    let json: [UInt8]
    var v2JSON: [UInt8]? = nil
    if v3 {
        let card: JSONValue = ["spec": "chara_card_v3", "spec_version": "3.0", "data": .object(data)]
        json = JSONWriter.bytes(card)
        // The V2 backfill as CardKit writes it (V3-only fields kept under data.extensions).
        let parsed = try CardReader.read(json).card
        v2JSON = JSONWriter.bytes(parsed.converted(to: .v2).card.json)
    } else {
        let card: JSONValue = ["spec": "chara_card_v2", "spec_version": "2.0", "data": .object(data)]
        json = JSONWriter.bytes(card)
    }
    let chunkType: ChunkType
    switch index % 20 {
    case 0..<14: chunkType = .tEXt
    case 14..<17: chunkType = .zTXt
    case 17..<19: chunkType = .iTXt
    default: chunkType = .iTXtCompressed
    }
    let beforeImageData = index % 10 == 9
    let png: [UInt8]
    if chunkType == .tEXt && !beforeImageData {
        // SillyTavern's layout, written by CardKit's own writer: chara (V2) then ccv3 (V3) just before IEND.
        png = try PNGCardWriter.embed(v2JSON: v3 ? v2JSON : json, v3JSON: v3 ? json : nil, into: image.png).png
    } else {
        var chunks = [UInt8]()
        chunks += textChunk(chunkType, keyword: "chara", json: v3 ? v2JSON! : json)
        if v3 { chunks += textChunk(chunkType, keyword: "ccv3", json: json) }
        let parts = splitAroundImageData(image.png)
        var bytes = Array(parts.head)
        if beforeImageData { bytes += chunks }
        bytes += parts.idat
        bytes += parts.tail
        if !beforeImageData { bytes += chunks }
        bytes += chunk("IEND", [])
        png = bytes
    }
    let name = String(format: "card-%05d", index)
    try Data(png).write(to: out.appendingPathComponent("png/\(name).png"))
    try Data(json).write(to: out.appendingPathComponent("json/\(name).json"))
    totalBytes += png.count
    manifest +=
        "\(name).png\t\(png.count)\t\(v3 ? "v3" : "v2")\t\(entries)\t\(chunkType.rawValue)\t"
        + "\(beforeImageData ? "before-IDAT" : "after-IDAT")\t\(image.side)\n"
}
try Data(manifest.utf8).write(to: out.appendingPathComponent("manifest.tsv"))
print(String(format: "card-corpus: %d cards, %.1f MB of PNG, in %@", count, Double(totalBytes) / 1e6, out.path))
