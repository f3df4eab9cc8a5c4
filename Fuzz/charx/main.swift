// Fuzz target: the CharX reader (ZIP location, entry checks, bounded inflation, card.json, asset resolution).
//
// Limits are lowered so that a zip bomb is refused quickly instead of being inflated to the default 1 GiB.
import CardFormats
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCharX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    var options = CharXReadOptions()
    options.limits.maxTotalUncompressedBytes = 64 << 20
    options.limits.maxEntryUncompressedBytes = 32 << 20
    options.limits.maxCardJSONBytes = 16 << 20
    _ = try? CharXReader.read(data: bytes, options: options)
    _ = CardFormatSniffer.detect(data: bytes)
    return 0
}
