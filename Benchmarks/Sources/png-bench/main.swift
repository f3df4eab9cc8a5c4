// PNG card metadata reads: CardKit's byte-level reader and libpng's metadata path against the time to merely read
// the same files' bytes, over a generated corpus of real-card-sized PNGs, plus one 4096x4096 card against a full
// libpng decode. Run through Benchmarks/png/run.sh (release mode).
import CardPNG
import Foundation

// MARK: - Corpus generation (independent chunk writer: CRC table, stored zlib blocks)

let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
}

func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
}

func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

func appendChunk(_ type: String, _ data: ArraySlice<UInt8>, to out: inout [UInt8]) {
    out += be32(UInt32(data.count))
    let start = out.count
    out += Array(type.utf8)
    out += data
    out += be32(crc32(out[start...]))
}

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A valid RGBA PNG of noise (incompressible, like a photo), image data in stored deflate blocks split into
/// 8192-byte IDAT chunks as libpng writes them.
func noisePNG(side: Int, rng: inout SplitMix64) -> [UInt8] {
    var raw = [UInt8]()
    raw.reserveCapacity(side * (side * 4 + 1))
    for _ in 0..<side {
        raw.append(0)
        for _ in 0..<(side / 2) {
            let v = rng.next()
            for k in 0..<8 { raw.append(UInt8(truncatingIfNeeded: v >> UInt64(k * 8))) }
        }
        if side % 2 == 1 { raw += [1, 2, 3, 255] }
    }
    var zlib: [UInt8] = [0x78, 0x01]
    var position = 0
    while position < raw.count {
        let n = min(65535, raw.count - position)
        zlib.append(position + n == raw.count ? 1 : 0)
        zlib += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
        zlib += raw[position..<position + n]
        position += n
    }
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in raw {
        a = (a + UInt32(byte)) % 65521
        b = (b + a) % 65521
    }
    zlib += be32(b << 16 | a)
    var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    appendChunk("IHDR", ArraySlice(be32(UInt32(side)) + be32(UInt32(side)) + [8, 6, 0, 0, 0]), to: &png)
    var offset = 0
    while offset < zlib.count {
        let end = min(zlib.count, offset + 8192)
        appendChunk("IDAT", zlib[offset..<end], to: &png)
        offset = end
    }
    appendChunk("IEND", [], to: &png)
    return png
}

func cardJSON(index: Int, rng: inout SplitMix64) -> (v2: [UInt8], v3: [UInt8]) {
    let words = [
        "the", "tavern", "keeper", "smiles", "and", "pours", "a", "drink", "while", "rain", "falls", "outside",
    ]
    var description = ""
    let target = 8_000 + Int(rng.next() % 24_000)
    while description.utf8.count < target {
        description += words[Int(rng.next() % UInt64(words.count))] + (rng.next() % 9 == 0 ? ".\r\n" : " ")
    }
    func card(_ spec: String, _ version: String) -> [UInt8] {
        let escaped = description.replacingOccurrences(of: "\r\n", with: "\\r\\n")
        return Array(
            (#"{"spec":"\#(spec)","spec_version":"\#(version)","data":{"name":"Bench \#(index)","description":"\#(escaped)","#
                + #""personality":"","scenario":"","first_mes":"Hello","mes_example":"","tags":["bench"],"extensions":{}}}"#)
                .utf8
        )
    }
    return (card("chara_card_v2", "2.0"), card("chara_card_v3", "3.0"))
}

// MARK: - Timing

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The best of `rounds` runs (after one warm-up run), in seconds.
func best(rounds: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var result = Double.infinity
    for _ in 0..<rounds { result = min(result, try seconds(body)) }
    return result
}

func ms(_ s: Double) -> String { String(format: "%8.2f ms", s * 1000) }

var sink = 0

// MARK: - Corpus

let root = FileManager.default.temporaryDirectory.appendingPathComponent("cardkit-png-bench", isDirectory: true)
try? FileManager.default.removeItem(at: root)
try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: root) }

var rng = SplitMix64(state: 0xC0FFEE)
let fileCount = Int(ProcessInfo.processInfo.environment["PNG_BENCH_FILES"] ?? "") ?? 200
var files: [URL] = []
var totalBytes = 0
for i in 0..<fileCount {
    let side = 280 + Int(rng.next() % 331)  // 280...610 px: about 0.3 to 1.5 MB
    let image = noisePNG(side: side, rng: &rng)
    let json = cardJSON(index: i, rng: &rng)
    let card = try PNGCardWriter.embed(v2JSON: json.v2, v3JSON: json.v3, into: image).png
    let url = root.appendingPathComponent("card-\(i).png")
    try Data(card).write(to: url)
    files.append(url)
    totalBytes += card.count
}

print(
    "CardKit PNG benchmark (release): \(files.count) cards, \(totalBytes / files.count / 1024) KB average, "
        + String(format: "%.1f MB total", Double(totalBytes) / 1e6)
)
print(
    "libpng \(try PNGImageCheck.readWithLibPNG(Data(contentsOf: files[0]), decodeImage: false).header.width > 0 ? "ok" : "?"), rounds: best of 5 after a warm-up; files are in the page cache"
)
print("")

if ProcessInfo.processInfo.environment["PNG_BENCH_PROFILE"] != nil {
    // Profiling aid: only the default reader over the corpus, many times (for `perf record`).
    for _ in 0..<40 { for url in files { sink &+= try PNGCardReader.read(contentsOf: url).json.count } }
    exit(sink == 42 ? 1 : 0)
}

let rounds = 5
let rawRead = try best(rounds: rounds) {
    for url in files { sink &+= try Data(contentsOf: url).count }
}
let walkerMapped = try best(rounds: rounds) {
    for url in files { sink &+= try PNGCardReader.read(contentsOf: url).json.count }
}
let walkerRead = try best(rounds: rounds) {
    for url in files { sink &+= try PNGCardReader.read(Data(contentsOf: url)).json.count }
}
var noIDATCRC = PNGReadOptions()
noIDATCRC.verifyImageDataCRC = false
let walkerNoIDATCRC = try best(rounds: rounds) {
    for url in files { sink &+= try PNGCardReader.read(contentsOf: url, options: noIDATCRC).json.count }
}
var noCompare = PNGReadOptions()
noCompare.compareCardChunks = false
let walkerNoCompare = try best(rounds: rounds) {
    for url in files { sink &+= try PNGCardReader.read(contentsOf: url, options: noCompare).json.count }
}
let libpngMeta = try best(rounds: rounds) {
    for url in files {
        sink &+= try PNGImageCheck.readWithLibPNG(Data(contentsOf: url), decodeImage: false).textChunks.count
    }
}

@MainActor func row(_ label: String, _ time: Double) {
    let perSecond = Double(files.count) / time
    let mbps = Double(totalBytes) / time / 1e6
    let ratio = time / rawRead
    print(
        label.padding(toLength: 56, withPad: " ", startingAt: 0) + ms(time)
            + String(format: "  %8.0f files/s  %7.0f MB/s  %5.2fx raw read time", perSecond, mbps, ratio)
    )
}
print("Corpus: metadata reads (card JSON decoded, all CRCs checked unless noted)")
row("raw byte read (Data(contentsOf:))", rawRead)
row("CardKit reader, read(contentsOf:), all CRCs (default)", walkerMapped)
row("CardKit reader, Data(contentsOf:) then read", walkerRead)
row("CardKit reader, read(contentsOf:), IDAT CRC skipped", walkerNoIDATCRC)
row("CardKit reader, read(contentsOf:), no JSON compare", walkerNoCompare)
row("libpng metadata path (IDAT via user chunk cb)", libpngMeta)
let throughputRatio = rawRead / walkerMapped
print(
    String(
        format: "=> default reader throughput = %.0f%% of raw read throughput (target >= 50%%)",
        throughputRatio * 100
    )
)
print("")

// MARK: - One 4096x4096 card

let side = 4096
var pixels = [UInt8](repeating: 0, count: side * side * 4)
for y in 0..<side {
    for x in 0..<side {
        let i = (y * side + x) * 4
        let noise = UInt8(truncatingIfNeeded: rng.next() & 0x1F)
        pixels[i] = UInt8(truncatingIfNeeded: x / 16) &+ noise
        pixels[i + 1] = UInt8(truncatingIfNeeded: y / 16) &+ noise
        pixels[i + 2] = UInt8(truncatingIfNeeded: (x + y) / 32)
        pixels[i + 3] = 255
    }
}
let bigImage = try PNGImageEncoder.encodeRGBA(pixels, width: side, height: side, compressionLevel: 6)
pixels = []
let bigJSON = cardJSON(index: -1, rng: &rng)
let bigCard = try PNGCardWriter.embed(v2JSON: bigJSON.v2, v3JSON: bigJSON.v3, into: bigImage).png
let bigURL = root.appendingPathComponent("big-4096.png")
try Data(bigCard).write(to: bigURL)
print(String(format: "One 4096x4096 RGBA card: %.1f MB, card chunks after IDAT", Double(bigCard.count) / 1e6))

let bigRaw = try best(rounds: rounds) { sink &+= try Data(contentsOf: bigURL).count }
let bigWalker = try best(rounds: rounds) { sink &+= try PNGCardReader.read(contentsOf: bigURL).json.count }
let bigWalkerRead = try best(rounds: rounds) { sink &+= try PNGCardReader.read(Data(contentsOf: bigURL)).json.count }
let bigNoCRC = try best(rounds: rounds) {
    sink &+= try PNGCardReader.read(contentsOf: bigURL, options: noIDATCRC).json.count
}
let bigLibpngMeta = try best(rounds: rounds) {
    sink &+= try PNGImageCheck.readWithLibPNG(Data(contentsOf: bigURL), decodeImage: false).textChunks.count
}
let bigDecode = try best(rounds: 3) {
    sink &+= try PNGImageCheck.readWithLibPNG(Data(contentsOf: bigURL), decodeImage: true).header.width
}
@MainActor func bigRow(_ label: String, _ time: Double) {
    print(
        label.padding(toLength: 56, withPad: " ", startingAt: 0) + ms(time)
            + String(format: "  %6.2fx byte read", time / bigRaw)
    )
}
bigRow("raw byte read (Data(contentsOf:))", bigRaw)
bigRow("CardKit reader, read(contentsOf:), all CRCs (default)", bigWalker)
bigRow("CardKit reader, Data(contentsOf:) then read", bigWalkerRead)
bigRow("CardKit reader, read(contentsOf:), IDAT CRC skipped", bigNoCRC)
bigRow("libpng metadata path (IDAT via user chunk cb)", bigLibpngMeta)
bigRow("libpng full decode (every row)", bigDecode)
print(
    String(
        format: "=> default read = %.2fx the byte read (target <= 2x); %.1fx faster than a full decode",
        bigWalker / bigRaw,
        bigDecode / bigWalker
    )
)
if sink == 42 { print("") }
