// Fuzz target: the card reader behind every command, reached through the umbrella loader
// (content sniffing, then JSON, PNG, CharX, YAML or legacy formats), then conversion between specs.
//
// Property checked beyond "no crash": for every card read, V3 -> V2 -> V3 gives back the first V3 value
// (the downgrade keeps V3-only fields under data.extensions).
import CardKit
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCard(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    // Straight through CardReader, lenient and strict.
    var strict = CardReadOptions()
    strict.strict = true
    _ = try? CardReader.read(UnsafeBufferPointer(start: data, count: size), options: strict)
    // Through the loader, as `inspect`, `convert` and `validate` do.
    guard let loaded = try? CardFileLoader.load(data: bytes, path: "fuzz-input") else { return 0 }
    let v3 = loaded.card.converted(to: .v3)
    let v2 = v3.card.converted(to: .v2)
    let back = v2.card.converted(to: .v3)
    if back.card.json != v3.card.json {
        fatalError("V3 -> V2 -> V3 changed the card")
    }
    _ = loaded.card.converted(to: .v1, options: CardConversionOptions(withV1Fields: true))
    // Writing and reading the converted card again must succeed.
    let written = JSONWriter.bytes(v3.card.json)
    do {
        _ = try CardReader.read(written)
    } catch {
        fatalError("a converted V3 card does not read back: \(error)")
    }
    return 0
}
