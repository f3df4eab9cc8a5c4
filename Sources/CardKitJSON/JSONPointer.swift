/// An RFC 6901 JSON pointer such as `/data/character_book/entries/0/keys`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The unescaped reference tokens, outermost first.
    public var tokens: [String]

    /// The pointer to the whole document (`""`).
    public init() { tokens = [] }

    /// Creates a pointer from unescaped tokens.
    public init(tokens: [String]) { self.tokens = tokens }

    /// Parses the textual form (`/a/b~1c`); `nil` when it does not start with `/` and is not empty.
    public init?(parsing text: String) {
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { return nil }
        tokens = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacing("~1", with: "/").replacing("~0", with: "~")
        }
    }

    /// Creates a pointer from its textual form; invalid text yields the tokens split on `/`.
    public init(stringLiteral value: String) {
        self = JSONPointer(parsing: value) ?? JSONPointer(tokens: [value])
    }

    /// The textual form, with `~` and `/` escaped.
    public var description: String {
        var text = ""
        text.reserveCapacity(tokens.reduce(0) { $0 + $1.utf8.count + 1 })
        for token in tokens {
            text += "/"
            // Most tokens hold neither character; the generic `replacing` is slow enough to show in a profile.
            if token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) {
                text += token.replacing("~", with: "~0").replacing("/", with: "~1")
            } else {
                text += token
            }
        }
        return text
    }

    /// The textual form, or `(root)` for the empty pointer, for messages.
    public var displayString: String { tokens.isEmpty ? "(root)" : description }

    /// A pointer one level deeper.
    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }

    /// A pointer one level deeper into an array.
    public func appending(_ index: Int) -> JSONPointer { appending(String(index)) }

    /// A pointer `other`'s tokens deeper.
    public func appending(_ other: JSONPointer) -> JSONPointer { JSONPointer(tokens: tokens + other.tokens) }

    /// The pointer to the parent value; the root's parent is the root.
    public var parent: JSONPointer { JSONPointer(tokens: Array(tokens.dropLast())) }

    /// Resolves the pointer in `value`, or `nil` when a token does not match.
    public func resolve(in value: JSONValue) -> JSONValue? {
        var current = value
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let array):
                guard let index = Int(token), String(index) == token, array.indices.contains(index) else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }
}
