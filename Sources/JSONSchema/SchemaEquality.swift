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
            return x.utf8.elementsEqual(y.utf8)
        case (.string, .rawString), (.rawString, .string), (.rawString, .rawString):
            if case .rawString(let x) = a, case .rawString(let y) = b { return x.source == y.source }
            guard let x = a.stringValue, let y = b.stringValue else { return false }
            return x.utf8.elementsEqual(y.utf8)
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
}
