// JSON parse + card model over real and generated cards, beside Foundation's JSONSerialization on the same
// bytes in the same run. Usage: json-bench [SHARED_CARDS_DIR]
import CardKit
import Foundation

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

/// Times `body` over enough iterations to take about `budget` seconds; returns seconds per iteration (median of 5 rounds) and the spread.
func measure(budget: Double = 0.4, _ body: () throws -> Void) rethrows -> (median: Double, min: Double, max: Double) {
    var iterations = 1
    while true {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { try body() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if elapsed > budget / 5 || iterations > 1_000_000 { break }
        iterations *= 2
    }
    var rounds: [Double] = []
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { try body() }
        rounds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(iterations))
    }
    return (median(rounds), rounds.min()!, rounds.max()!)
}

/// A large synthetic V3 card: a lorebook of `entries` entries with CJK and emoji text.
func syntheticCard(entries: Int) -> [UInt8] {
    var book: [JSONValue] = []
    for index in 0..<entries {
        book.append([
            "keys": [.string("key \(index)"), .string("鍵\(index)"), .string("🔑\(index)")],
            "content": .string(String(repeating: "Entry \(index) text with 中文 and emoji 🌊. ", count: 8)),
            "extensions": ["position": .number(JSONNumber(index % 5)), "depth": 4, "probability": 100],
            "enabled": true, "insertion_order": .number(JSONNumber(index)), "use_regex": false,
            "id": .number(JSONNumber(index)), "comment": .string("entry \(index)"), "weight": 1.25,
        ])
    }
    let card: JSONValue = [
        "spec": "chara_card_v3", "spec_version": "3.0",
        "data": [
            "name": "Synthetic", "description": .string(String(repeating: "A long description. ", count: 500)),
            "personality": "p", "scenario": "s", "first_mes": "f", "mes_example": "m", "creator_notes": "c",
            "system_prompt": "", "post_history_instructions": "", "alternate_greetings": [], "group_only_greetings": [],
            "tags": ["a", "b"], "creator": "bench", "character_version": "1", "extensions": [:],
            "character_book": ["name": "Big", "extensions": [:], "entries": .array(book)],
        ],
    ]
    return JSONWriter.bytes(card)
}

var inputs: [(String, [UInt8])] = []
let sharedCards = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "../shared/cards"
for name in ["爱.json", "白棠-卡.json"] {
    if let data = FileManager.default.contents(atPath: sharedCards + "/" + name) {
        inputs.append((name, [UInt8](data)))
    }
}
if let png = FileManager.default.contents(atPath: sharedCards + "/stc_Sakana_lorebook14_eXIf.png"),
    let payload = try? PNGCardReader.read(png).json
{
    inputs.append(("stc_Sakana_lorebook14_eXIf.png (payload)", payload))
}
inputs.append(("synthetic V3, 1,000 entries", syntheticCard(entries: 1_000)))
inputs.append(("synthetic V3, 10,000 entries", syntheticCard(entries: 10_000)))

print("JSON parse + card model (CardKit) vs JSONSerialization.jsonObject, same bytes, same run")
print(
    "input | bytes | CardKit parse ms | CardKit parse+read ms | JSONSerialization ms | ratio (JSONSerialization/CardKit) | CardKit MB/s | write ms | lossless"
)
for (name, bytes) in inputs {
    let data = Data(bytes)
    let parseOnly = try measure { _ = try JSONParser.parse(bytes) }
    let ours = try measure { _ = try CardReader.read(bytes) }
    let foundation = try measure { _ = try JSONSerialization.jsonObject(with: data) }
    let card = try CardReader.read(bytes).card
    let write = measure { _ = JSONWriter.bytes(card.json) }
    let value = try JSONParser.parse(bytes).value
    let lossless =
        JSONWriter.bytes(value) == bytes || JSONWriter.bytes(value, style: .pretty(indent: 4)) == bytes
        || JSONWriter.bytes(value, style: .pretty(indent: 2)) == bytes
    let ratio = foundation.median / ours.median
    let megabytesPerSecond = Double(bytes.count) / ours.median / 1e6
    print(
        String(
            format: "%@ | %d | %.3f | %.3f (%.3f–%.3f) | %.3f (%.3f–%.3f) | %.2f× | %.0f | %.3f | %@", name,
            bytes.count, parseOnly.median * 1e3,
            ours.median * 1e3, ours.min * 1e3, ours.max * 1e3, foundation.median * 1e3, foundation.min * 1e3,
            foundation.max * 1e3, ratio, megabytesPerSecond, write.median * 1e3,
            lossless ? "byte-identical" : "equal value"))
}
