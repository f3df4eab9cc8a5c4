/// The fields of a URL query or an `application/x-www-form-urlencoded` body, in order, repeated names kept.
package struct FormFields: Sendable {
    /// Every name and value, decoded (`+` is a space, `%XX` a byte; bytes that are not UTF-8 become U+FFFD).
    package var pairs: [(name: String, value: String)]

    /// Parses `a=1&b=two+words`.
    ///
    /// - Parameter encoded: The query or body; `nil` gives no fields.
    package init(_ encoded: String?) {
        guard let encoded, !encoded.isEmpty else {
            pairs = []
            return
        }
        pairs = encoded.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// The first value of a name.
    package subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// The first value of a name, or `nil` when it is missing or empty.
    ///
    /// - Parameter name: The field's name.
    /// - Returns: The value.
    package func nonEmpty(_ name: String) -> String? {
        guard let value = self[name], !value.isEmpty else { return nil }
        return value
    }

    /// Every value of a name, in order.
    ///
    /// - Parameter name: The field's name.
    /// - Returns: The values.
    package func values(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// Whether the fields hold a name.
    ///
    /// - Parameter name: The field's name.
    /// - Returns: True when it appears, with or without a value.
    package func contains(_ name: String) -> Bool { pairs.contains { $0.name == name } }

    /// `application/x-www-form-urlencoded` decoding of one name or value.
    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next() else {
                    bytes.append(byte)
                    break
                }
                guard let low = iterator.next() else {
                    bytes += [byte, high]
                    break
                }
                if let value = hexValue(high).flatMap({ h in hexValue(low).map { h << 4 | $0 } }) {
                    bytes.append(value)
                } else {
                    bytes += [byte, high, low]
                }
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Percent-encodes a value for a URL query (everything but unreserved characters).
    ///
    /// - Parameter value: The text.
    /// - Returns: The encoded text.
    package static func encode(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                result += "%"
                result.unicodeScalars.append(digits[Int(byte >> 4)])
                result.unicodeScalars.append(digits[Int(byte & 0x0F)])
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
