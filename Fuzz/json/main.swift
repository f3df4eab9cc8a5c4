// Fuzz target: the lossless JSON parser and writer.
//
// Property checked beyond "no crash": every document the parser accepts is written (compact and pretty) and
// parsed again to the same value, and every JSON pointer into it resolves.
import CardKitJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var options = JSONParseOptions()
    options.maxDepth = 256
    guard let parsed = try? JSONParser.parse(bytes, options: options) else { return 0 }
    for style in [JSONWriter.Style.compact, .pretty(indent: 2)] {
        let written = JSONWriter.bytes(parsed.value, style: style)
        let reparsed: ParsedJSON
        do {
            reparsed = try JSONParser.parse(written, options: options)
        } catch {
            fatalError("writer output does not parse: \(error)")
        }
        if reparsed.value != parsed.value { fatalError("write then parse changed the value (\(style))") }
    }
    // Walk the first levels through JSON pointers.
    var pointers: [JSONPointer] = [JSONPointer()]
    var visited = 0
    while let pointer = pointers.popLast(), visited < 256 {
        visited += 1
        guard let value = pointer.resolve(in: parsed.value) else { fatalError("pointer \(pointer) does not resolve") }
        switch value {
        case .array(let items):
            for index in items.indices.prefix(8) { pointers.append(pointer.appending(String(index))) }
        case .object(let object): for (key, _) in object.prefix(8) { pointers.append(pointer.appending(key)) }
        default: break
        }
    }
    return 0
}
