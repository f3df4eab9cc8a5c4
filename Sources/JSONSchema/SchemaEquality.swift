import CardKitJSON
import OrderedCollections

/// JSON Schema equality for `const`, `enum` and `uniqueItems` (internal).
///
/// Like `JSONValue.isSemanticallyEqual(to:)` (numbers by exact value, objects regardless of key order), except
/// that strings compare by Unicode scalars: JSON Schema treats `"é"` (U+00E9) and `"e\u{301}"` as different,
/// while Swift's `String ==` treats canonically equivalent strings as equal.
enum SchemaEquality {
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            return sameScalars(x, y)
        case (.string, .rawString), (.rawString, .string), (.rawString, .rawString):
            if case .rawString(let x) = a, case .rawString(let y) = b { return x.source == y.source }
            guard let x = a.stringValue, let y = b.stringValue else { return false }
            return sameScalars(x, y)
        case (.array(let x), .array(let y)):
            guard x.count == y.count else { return false }
            for index in x.indices where !equal(x[index], y[index]) { return false }
            return true
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            for (key, value) in x {
                guard let other = y[key], equal(value, other) else { return false }
            }
            return true
        default:
            return a.isSemanticallyEqual(to: b)
        }
    }

    /// Whether `x` and `y` hold the same Unicode scalars, which for `String`s is the same UTF-8 bytes.
    ///
    /// Compares the lengths, then the bytes in place, eight at a time: `UTF8View.elementsEqual` steps through both
    /// views a byte at a time, and `const` and `enum` compare a string on every instance they see.
    @inline(__always)
    static func sameScalars(_ x: String, _ y: String) -> Bool {
        guard x.utf8.count == y.utf8.count else { return false }
        let inPlace = x.utf8.withContiguousStorageIfAvailable { x in
            y.utf8.withContiguousStorageIfAvailable { y in JSONByteScan.equal(x, y) }
        }
        if let inPlace, let inPlace { return inPlace }
        return x.utf8.elementsEqual(y.utf8)
    }
}
