// Card → platform conversion throughput: every real card in ../shared/cards (and samples/) is read once, then N
// inputs cycle through them; each input is parsed from its card JSON, converted to Spicychat, Chattr, NextChat
// and Character.AI, and each output and loss report serialized. Prints cards/s and the peak RSS, which must stay
// flat as N grows because nothing is kept between inputs. Run through Benchmarks/platforms/run.sh.
import CardKit
import Foundation

func peakRSSKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
    return -1
}

let arguments = CommandLine.arguments
let count = arguments.count > 1 ? Int(arguments[1]) ?? 1000 : 1000
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // Benchmarks/Sources/platforms-bench
let project = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let shared =
    ProcessInfo.processInfo.environment["CARDKIT_SHARED"].map { URL(fileURLWithPath: $0) }
    ?? project.deletingLastPathComponent().appendingPathComponent("shared")
var corpus: [(String, [UInt8])] = []
for folder in [shared.appendingPathComponent("cards"), project.appendingPathComponent("samples")] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    for name in names {
        let url = folder.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url),
            let loaded = try? CardFileLoader.load(data: data, path: name), !loaded.storedJSON.isEmpty,
            (try? CardReader.read(loaded.storedJSON)) != nil
        else { continue }
        corpus.append((name, loaded.storedJSON))
    }
}
guard !corpus.isEmpty else {
    FileHandle.standardError.write(Data("no cards found under \(shared.path)/cards\n".utf8))
    exit(1)
}

var outputBytes = 0
var losses = 0
let start = Date()
for index in 0..<count {
    let (_, json) = corpus[index % corpus.count]
    guard let card = try? CardReader.read(json).card else { continue }
    for platform in Platform.allCases {
        let result = PlatformConverter.convert(card, to: platform)
        outputBytes += JSONWriter.bytes(result.output).count + JSONWriter.bytes(result.report.jsonValue).count
        losses += result.report.entries.count
    }
}
let seconds = Date().timeIntervalSince(start)
let perSecond = Double(count) / seconds
print(
    String(
        format:
            "inputs=%d corpus=%d cards  time=%.3fs  %.0f cards/s (x4 platforms = %.0f conversions/s)  output=%.1f MB  losses=%d  peak RSS=%.1f MiB",
        count, corpus.count, seconds, perSecond, perSecond * 4, Double(outputBytes) / 1_048_576, losses,
        Double(peakRSSKiB()) / 1024))
