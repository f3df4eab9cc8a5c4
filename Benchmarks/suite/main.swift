// cardkit-suite: CardKit's side of the whole benchmark table (Benchmarks/run-all.sh), over a corpus written by
// card-corpus. One measurement per invocation, so each process's peak memory belongs to that measurement:
//
//   cardkit-suite read|validate|convert|embed|charx CORPUS_DIR [ROUNDS]
//
// Each row runs one warm-up pass (none with CARDKIT_SUITE_WARMUP=0) and ROUNDS timed passes over every card of
// the corpus and prints key=value lines: <row>.median_s, <row>.min_s, <row>.max_s (seconds per pass),
// <row>.items, <row>.bytes, <row>.ok (inputs that succeeded), <row>.peak_kib (the process's peak RSS while the
// row ran: VmHWM is reset through /proc/self/clear_refs before each row). Python's drivers (Benchmarks/python/) print the same keys.
import CardKit
import Foundation
import JSONSchema

// MARK: - Measurement

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func procStatusKiB(_ key: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix(key) {
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
    return -1
}

/// Resets the kernel's peak-RSS counter (Linux 4.0+); afterwards VmHWM is the peak since the reset.
func resetPeakRSS() {
    if let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
        handle.write(Data("5".utf8))
        try? handle.close()
    }
}

struct Pass {
    var seconds: Double
    var items: Int
    var bytes: Int
    var ok: Int
}

var sink = 0

/// Runs `body` once to warm up, then `rounds` times; prints the median, min and max pass time and the peak RSS.
/// `body` returns its own pass figures, so a row may time only part of each iteration (its `seconds`).
/// With CARDKIT_SUITE_WARMUP=0 (run-all.sh at large scales) the first pass is timed too, so `rounds` passes run.
func row(_ name: String, rounds: Int, _ body: () throws -> Pass) rethrows {
    resetPeakRSS()
    let warmUp = ProcessInfo.processInfo.environment["CARDKIT_SUITE_WARMUP"] != "0"
    let warm = try body()
    var times: [Double] = warmUp ? [] : [warm.seconds]
    for _ in times.count..<rounds { times.append(try body().seconds) }
    times.sort()
    let median =
        times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    print("\(name).median_s=\(median)")
    print("\(name).min_s=\(times.first ?? 0)")
    print("\(name).max_s=\(times.last ?? 0)")
    print("\(name).rounds=\(rounds)")
    print("\(name).items=\(warm.items)")
    print("\(name).bytes=\(warm.bytes)")
    print("\(name).ok=\(warm.ok)")
    print("\(name).peak_kib=\(procStatusKiB("VmHWM:"))")
    fflush(nil)
}

/// Times the whole pass.
func timed(_ body: (inout Pass) throws -> Void) rethrows -> Pass {
    var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
    let start = now()
    try body(&pass)
    pass.seconds = Double(now() - start) / 1e9
    return pass
}

// MARK: - Corpus

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(
        Data("usage: cardkit-suite read|validate|convert|embed|charx CORPUS_DIR [ROUNDS]\n".utf8))
    exit(2)
}
let measurement = arguments[1]
let corpus = URL(fileURLWithPath: arguments[2])
let rounds = arguments.count > 3 ? max(1, Int(arguments[3]) ?? 5) : 5
let names = try FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent("png").path)
    .filter { $0.hasSuffix(".png") }.sorted().map { String($0.dropLast(4)) }
let pngURLs = names.map { corpus.appendingPathComponent("png/\($0).png") }
let jsonURLs = names.map { corpus.appendingPathComponent("json/\($0).json") }
print("measurement=\(measurement)")
print("cards=\(names.count)")
print("baseline_kib=\(procStatusKiB("VmRSS:"))")

// MARK: - Rows

switch measurement {
case "read":
    // The limit: the same files' bytes, read with one call per file.
    try row("raw_read", rounds: rounds) {
        try timed { pass in
            for url in pngURLs {
                let data = try Data(contentsOf: url)
                pass.items += 1
                pass.bytes += data.count
                pass.ok += 1
            }
        }
    }
    // CardKit: the chosen card chunk, decoded to JSON bytes, every CRC checked (the default).
    try row("cardkit_read", rounds: rounds) {
        timed { pass in
            for url in pngURLs {
                pass.items += 1
                guard let result = try? PNGCardReader.read(contentsOf: url) else { continue }
                pass.bytes += result.json.count
                pass.ok += 1
            }
        }
    }
    // CardKit without the chara/ccv3 agreement check (PNGReadOptions.compareCardChunks = false): the check parses
    // both JSON documents whenever they differ by more than the spec fields, as a V2 backfill always does.
    var noCompare = PNGReadOptions()
    noCompare.compareCardChunks = false
    try row("cardkit_read_nocompare", rounds: rounds) {
        timed { pass in
            for url in pngURLs {
                pass.items += 1
                guard let result = try? PNGCardReader.read(contentsOf: url, options: noCompare) else { continue }
                pass.bytes += result.json.count
                pass.ok += 1
            }
        }
    }
    // CardKit: the same, then the card model (lossless JSON parse, shape detection, diagnostics), which is what
    // tavern-card's parse_png_card returns (a parsed, normalized dict).
    try row("cardkit_read_model", rounds: rounds) {
        timed { pass in
            for url in pngURLs {
                pass.items += 1
                guard let result = try? PNGCardReader.read(contentsOf: url),
                    let card = try? CardReader.read(result.json)
                else { continue }
                pass.bytes += result.json.count
                sink &+= card.card.document.count
                pass.ok += 1
            }
        }
    }

case "validate":
    // Each card's JSON against the strict card schema of its spec (card-v2.json or card-v3.json), flag output:
    // only the validation call is timed; reading and parsing each file is not. Instances are streamed, not kept.
    let v2 = try CardSchemaCatalog.shared.schema(.v2, profile: .strict)
    let v3 = try CardSchemaCatalog.shared.schema(.v3, profile: .strict)
    try row("cardkit_validate", rounds: rounds) {
        var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
        var elapsed: UInt64 = 0
        for url in jsonURLs {
            let bytes = try [UInt8](Data(contentsOf: url))
            let value = try JSONParser.parse(bytes).value
            let schema = value["spec"]?.stringValue == "chara_card_v3" ? v3 : v2
            let start = now()
            let valid = schema.isValid(value)
            elapsed += now() - start
            pass.items += 1
            pass.bytes += bytes.count
            if valid { pass.ok += 1 }
        }
        pass.seconds = Double(elapsed) / 1e9
        return pass
    }
    // The same with the basic output format (every error collected, with locations).
    try row("cardkit_validate_basic", rounds: rounds) {
        var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
        var elapsed: UInt64 = 0
        for url in jsonURLs {
            let bytes = try [UInt8](Data(contentsOf: url))
            let value = try JSONParser.parse(bytes).value
            let schema = value["spec"]?.stringValue == "chara_card_v3" ? v3 : v2
            let start = now()
            let result = schema.validate(value, format: .basic)
            elapsed += now() - start
            pass.items += 1
            pass.bytes += bytes.count
            if result.isValid { pass.ok += 1 }
        }
        pass.seconds = Double(elapsed) / 1e9
        return pass
    }

case "convert":
    // The lossless JSON parse alone (number literals, key order, duplicate keys kept), against orjson.loads.
    try row("json_parse", rounds: rounds) {
        var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
        var elapsed: UInt64 = 0
        for url in jsonURLs {
            let bytes = try [UInt8](Data(contentsOf: url))
            let start = now()
            let value = try JSONParser.parse(bytes).value
            elapsed += now() - start
            sink &+= value.objectValue?.count ?? 0
            pass.items += 1
            pass.bytes += bytes.count
            pass.ok += 1
        }
        pass.seconds = Double(elapsed) / 1e9
        return pass
    }
    // The floor: parse each card's JSON and write it back (no card logic).
    try row("json_roundtrip", rounds: rounds) {
        var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
        var elapsed: UInt64 = 0
        for url in jsonURLs {
            let bytes = try [UInt8](Data(contentsOf: url))
            let start = now()
            let value = try JSONParser.parse(bytes).value
            sink &+= JSONWriter.bytes(value).count
            elapsed += now() - start
            pass.items += 1
            pass.bytes += bytes.count
            pass.ok += 1
        }
        pass.seconds = Double(elapsed) / 1e9
        return pass
    }
    // Card model + conversion to all four platforms, each output and its loss report serialized.
    try row("cardkit_convert_all", rounds: rounds) {
        var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
        var elapsed: UInt64 = 0
        for url in jsonURLs {
            let bytes = try [UInt8](Data(contentsOf: url))
            let start = now()
            if let card = try? CardReader.read(bytes).card {
                // One call for the four, as `cardkit serve`'s card page makes: the V3 normalization is shared.
                for result in PlatformConverter.convert(card, to: Platform.allCases) {
                    sink &+= JSONWriter.bytes(result.output).count + JSONWriter.bytes(result.report.jsonValue).count
                }
                pass.ok += 1
            }
            elapsed += now() - start
            pass.items += 1
            pass.bytes += bytes.count
        }
        pass.seconds = Double(elapsed) / 1e9
        return pass
    }
    // One row per platform (skipped when CARDKIT_SUITE_PLATFORM_ROWS=0, as run-all.sh does at large scales).
    let platformRows = ProcessInfo.processInfo.environment["CARDKIT_SUITE_PLATFORM_ROWS"] != "0"
    for platform in Platform.allCases where platformRows {
        try row("cardkit_convert_\(platform.rawValue)", rounds: rounds) {
            var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
            var elapsed: UInt64 = 0
            for url in jsonURLs {
                let bytes = try [UInt8](Data(contentsOf: url))
                let start = now()
                if let card = try? CardReader.read(bytes).card {
                    let result = PlatformConverter.convert(card, to: platform)
                    sink &+= JSONWriter.bytes(result.output).count + JSONWriter.bytes(result.report.jsonValue).count
                    pass.ok += 1
                }
                elapsed += now() - start
                pass.items += 1
                pass.bytes += bytes.count
            }
            pass.seconds = Double(elapsed) / 1e9
            return pass
        }
    }

case "embed":
    // Inputs (the card JSON and the PNG it goes into, here the card's own PNG, whose card chunks are replaced) are
    // read untimed. The limit: one copy of the PNG's bytes, what any writer must at least produce.
    try row("copy_bytes", rounds: rounds) {
        var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
        var elapsed: UInt64 = 0
        for url in pngURLs {
            let png = try [UInt8](Data(contentsOf: url))
            let start = now()
            let copy = [UInt8](unsafeUninitializedCapacity: png.count) { buffer, count in
                png.withUnsafeBytes { source in
                    buffer.baseAddress!.update(from: source.bindMemory(to: UInt8.self).baseAddress!, count: png.count)
                }
                count = png.count
            }
            elapsed += now() - start
            sink &+= Int(copy[copy.count / 2])
            pass.items += 1
            pass.bytes += png.count
            pass.ok += 1
        }
        pass.seconds = Double(elapsed) / 1e9
        return pass
    }
    // CardKit: card model from JSON, V2 + V3 forms, chunk splice (old card chunks removed, image bytes untouched).
    try row("cardkit_embed", rounds: rounds) {
        var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
        var elapsed: UInt64 = 0
        for (pngURL, jsonURL) in zip(pngURLs, jsonURLs) {
            let png = try [UInt8](Data(contentsOf: pngURL))
            let json = try [UInt8](Data(contentsOf: jsonURL))
            let start = now()
            if let card = try? CardReader.read(json).card, let result = try? PNGCardWriter.embed(card: card, into: png)
            {
                sink &+= result.png.count
                pass.ok += 1
            }
            elapsed += now() - start
            pass.items += 1
            pass.bytes += png.count
        }
        pass.seconds = Double(elapsed) / 1e9
        return pass
    }

    // CardKit's chunk splice alone: the V2 and V3 JSON are made untimed, then tEXt chunks (base64, CRC) replace
    // the old card chunks. The difference to cardkit_embed is the card model and its two JSON forms.
    try row("cardkit_embed_splice", rounds: rounds) {
        var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
        var elapsed: UInt64 = 0
        for (pngURL, jsonURL) in zip(pngURLs, jsonURLs) {
            let png = try [UInt8](Data(contentsOf: pngURL))
            let json = try [UInt8](Data(contentsOf: jsonURL))
            guard let card = try? CardReader.read(json).card else { continue }
            let v2 = JSONWriter.bytes(card.converted(to: .v2).card.json)
            let v3 = JSONWriter.bytes(card.converted(to: .v3).card.json)
            let start = now()
            if let result = try? PNGCardWriter.embed(v2JSON: v2, v3JSON: v3, into: png) {
                sink &+= result.png.count
                pass.ok += 1
            }
            elapsed += now() - start
            pass.items += 1
            pass.bytes += png.count
        }
        pass.seconds = Double(elapsed) / 1e9
        return pass
    }

case "charx":
    // Pack: card model from JSON, conversion to V3, a ZIP with card.json (deflated) and the PNG as the main icon
    // (stored). Unpack: read the archive back (central directory, card.json parsed into the model, assets
    // resolved). Inputs are read untimed; the archives of one pass are not kept.
    try row("cardkit_charx_pack", rounds: rounds) {
        var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
        var elapsed: UInt64 = 0
        for (pngURL, jsonURL) in zip(pngURLs, jsonURLs) {
            let png = try Data(contentsOf: pngURL)
            let json = try [UInt8](Data(contentsOf: jsonURL))
            let start = now()
            if let card = try? CardReader.read(json).card, let packed = try? CharXWriter.pack(card: card, mainIcon: png)
            {
                sink &+= packed.data.count
                pass.bytes += packed.data.count
                pass.ok += 1
            }
            elapsed += now() - start
            pass.items += 1
        }
        pass.seconds = Double(elapsed) / 1e9
        return pass
    }
    try row("cardkit_charx_unpack", rounds: rounds) {
        var pass = Pass(seconds: 0, items: 0, bytes: 0, ok: 0)
        var elapsed: UInt64 = 0
        for (pngURL, jsonURL) in zip(pngURLs, jsonURLs) {
            let png = try Data(contentsOf: pngURL)
            let json = try [UInt8](Data(contentsOf: jsonURL))
            guard let card = try? CardReader.read(json).card,
                let packed = try? CharXWriter.pack(card: card, mainIcon: png).data
            else { continue }
            let start = now()
            if let document = try? CharXReader.read(data: packed) {
                sink &+= document.assets.count + document.cardJSON.count
                pass.ok += 1
            }
            elapsed += now() - start
            pass.items += 1
            pass.bytes += packed.count
        }
        pass.seconds = Double(elapsed) / 1e9
        return pass
    }

default:
    FileHandle.standardError.write(Data("cardkit-suite: unknown measurement \(measurement)\n".utf8))
    exit(2)
}
if sink == 42 { print("sink=42") }
