import CardKitJSON

/// Spec defaults and the lenient coercions shared by accessors and the normalizer.
enum CardFieldDefaults {
    /// The spec default of a V2/V3 `data` field.
    static func value(for field: String) -> JSONValue {
        switch field {
        case "alternate_greetings", "tags", "group_only_greetings", "source": return .array([])
        case "extensions": return .object(JSONObject())
        default: return .string("")
        }
    }

    /// A string read leniently: numbers and Booleans as their text, `null` as `""`; `nil` for containers.
    static func lenientString(_ value: JSONValue?) -> String? {
        switch value {
        case .none, .null?: return ""
        case .string(let s)?: return s
        case .rawString(let raw)?: return raw.value
        case .number(let n)?: return n.literal
        case .bool(let b)?: return b ? "true" : "false"
        case .array?, .object?: return nil
        }
    }

    /// A string array read leniently: `""` and `null` as empty; a string as one element (or split on
    /// commas and trimmed, as SillyTavern does for tags); number elements as their text.
    static func lenientStrings(_ value: JSONValue?, splitOnCommas: Bool) -> [String]? {
        switch value {
        case .none, .null?: return []
        case .string(let s)?:
            if s.isEmpty { return [] }
            if splitOnCommas {
                return s.split(separator: ",").map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
            }
            return [s]
        case .rawString(let raw)?: return [raw.value]
        case .array(let elements)?:
            var result: [String] = []
            for element in elements {
                switch element {
                case .string(let s): result.append(s)
                case .rawString(let raw): result.append(raw.value)
                case .number(let n): result.append(n.literal)
                case .bool(let b): result.append(b ? "true" : "false")
                default: return nil
                }
            }
            return result
        default: return nil
        }
    }
}

extension Substring {
    func trimmingASCIIWhitespace() -> String {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
