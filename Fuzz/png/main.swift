// Fuzz target: the PNG card reader (chunk walk, CRCs, tEXt/zTXt/iTXt, base64), libpng's full check, and the
// writer's chunk splicing.
//
// Property checked beyond "no crash": when a card can be embedded into the input, reading the output back gives
// exactly the embedded `ccv3` payload.
import CardPNG

private let v2Card = Array(#"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"Fuzz"}}"#.utf8)
private let v3Card = Array(#"{"spec":"chara_card_v3","spec_version":"3.0","data":{"name":"Fuzz"}}"#.utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = try? PNGCardReader.read(bytes)
    _ = try? PNGCardReader.scan(bytes, options: .lenient)
    _ = try? PNGImageCheck.check(bytes, options: .lenient, decodeImage: size < 64 << 10, maxPixels: 1 << 16)
    guard let embedded = try? PNGCardWriter.embed(v2JSON: v2Card, v3JSON: v3Card, into: bytes) else { return 0 }
    let reread: PNGCardReadResult
    do {
        reread = try PNGCardReader.read(embedded.png, options: .lenient)
    } catch {
        fatalError("an embedded card does not read back: \(error)")
    }
    if reread.json != v3Card { fatalError("the card read back is not the ccv3 payload embedded") }
    return 0
}
