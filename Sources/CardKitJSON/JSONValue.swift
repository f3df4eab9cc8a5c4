public import OrderedCollections

/// A JSON value that keeps everything its source said.
///
/// Objects keep their key order, numbers keep their literal text (`1.0`, `1e5`, `-0` and
/// `12345678901234567890` come back unchanged), and a string holding an unpaired surrogate escape
/// (`"\ud800"`) keeps its exact source text. Writing a parsed value with ``JSONWriter`` in compact
/// mode reproduces input written in the style of JavaScript's `JSON.stringify` byte for byte.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, with its literal text.
    case number(JSONNumber)
    /// A string.
    case string(String)
    /// A string whose source held an unpaired UTF-16 surrogate escape, which a Swift `String` cannot hold.
    case rawString(RawJSONString)
    /// An array.
    case array([JSONValue])
    /// An object, in source key order.
    case object(JSONObject)
}

/// A JSON number kept as its literal text.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number exactly as written in the source, for example `1.0`, `-0` or `1e5`.
    public let literal: String

    /// Creates a number from literal text that the caller guarantees is a valid JSON number.
    package init(uncheckedLiteral literal: String) { self.literal = literal }

    /// Creates a number from an integer.
    public init(_ value: Int) { self.literal = String(value) }

    /// Creates a number from a double; non-finite values become `0`.
    public init(_ value: Double) {
        guard value.isFinite else {
            self.literal = "0"
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            self.literal = String(Int64(value))
        } else {
            self.literal = "\(value)"
        }
    }

    /// The value as a `Double` (possibly rounded).
    public var doubleValue: Double { Double(literal) ?? .nan }

    /// The value as an `Int` when it is an integer that fits, else `nil`.
    public var intValue: Int? {
        if let int = Int(literal) { return int }
        let double = doubleValue
        guard double.isFinite, double == double.rounded(), abs(double) < 9.0e15 else { return nil }
        return Int(double)
    }

    /// Whether the literal has no fraction or exponent part.
    public var isIntegerLiteral: Bool { !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) }

    /// The number exactly as it was written in the source.
    public var description: String { literal }
}

/// A string whose JSON source held an unpaired surrogate escape.
///
/// ``value`` is the best Swift rendering (each unpaired surrogate replaced by U+FFFD); ``source``
/// is the exact text between the quotes, which the writer emits unchanged.
public struct RawJSONString: Sendable, Hashable {
    /// The decoded text, with U+FFFD in place of each unpaired surrogate.
    public let value: String
    /// The escaped source text between the quotes.
    public let source: String

    /// Creates a raw string from its decoded value and escaped source.
    package init(value: String, source: String) {
        self.value = value
        self.source = source
    }
}

/// A JSON object: string keys in insertion order.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The members, in order.
    public var members: OrderedDictionary<String, JSONValue>

    /// Creates an empty object.
    public init() { members = [:] }

    /// Creates an object from ordered members.
    public init(_ members: OrderedDictionary<String, JSONValue>) { self.members = members }

    /// Creates an object from key/value pairs; a later duplicate replaces the value at the first key's position.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = [:]
        for (key, value) in elements { members[key] = value }
    }

    /// The member named `key`; setting `nil` removes it, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { members[key] }
        set { members[key] = newValue }
    }

    /// The keys in order.
    public var keys: OrderedSet<String> { members.keys }
    /// The number of members.
    public var count: Int { members.count }
    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// Removes the member named `key` and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? { members.removeValue(forKey: key) }

    /// Iterates over the members in order.
    /// - Returns: An iterator of `(key, value)` pairs.
    public func makeIterator() -> OrderedDictionary<String, JSONValue>.Iterator { members.makeIterator() }
}

// MARK: - Literals

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    /// A string value from a string literal.
    /// - Parameter value: The text.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A number value from an integer literal.
    /// - Parameter value: The integer.
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    /// A number value from a floating-point literal; a whole value is written without a fraction.
    /// - Parameter value: The number.
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    /// A Boolean value from `true` or `false`.
    /// - Parameter value: The Boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array value from an array literal.
    /// - Parameter elements: The elements, in order.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// `null`, from `nil`.
    /// - Parameter nilLiteral: The empty tuple the compiler passes.
    public init(nilLiteral: ()) { self = .null }
    /// An object value from a dictionary literal, keys in the order written (a repeated key keeps its first
    /// position and takes the last value).
    /// - Parameter elements: The members.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object = JSONObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}

// MARK: - Accessors

extension JSONValue {
    /// The string, for `.string` and `.rawString`; otherwise `nil`.
    public var stringValue: String? {
        switch self {
        case .string(let string): return string
        case .rawString(let raw): return raw.value
        default: return nil
        }
    }

    /// The number, for `.number`; otherwise `nil`.
    public var numberValue: JSONNumber? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// The Boolean, for `.bool`; otherwise `nil`.
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// The elements, for `.array`; otherwise `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    /// The object, for `.object`; otherwise `nil`.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// Whether the value is `null`.
    public var isNull: Bool { self == .null }

    /// The JSON type name of the value, as JSON Schema spells it (`object`, `array`, `string`, `number`,
    /// `integer`, `boolean`, `null`); integers report `integer` only when `distinguishIntegers` is true.
    package func typeName(distinguishIntegers: Bool = false) -> String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let number):
            if distinguishIntegers, number.isIntegerLiteral { return "integer" }
            return "number"
        case .string, .rawString: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The member named `key` of an object; `nil` for a missing key or a non-object.
    ///
    /// Setting on a non-object does nothing.
    public subscript(key: String) -> JSONValue? {
        get { objectValue?[key] }
        set {
            guard case .object(var object) = self else { return }
            self = .null  // release the storage so the mutation below is in place
            object[key] = newValue
            self = .object(object)
        }
    }

    /// The element at `index` of an array; `nil` when out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let array) = self, array.indices.contains(index) else { return nil }
        return array[index]
    }
}

// MARK: - Semantic equality

extension JSONValue {
    /// Compares two values as JSON Schema does: numbers by mathematical value (`1.0 == 1`), objects
    /// regardless of key order, strings by their decoded text.
    public func isSemanticallyEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return JSONNumberComparison.equal(a, b)
        case (.string, _), (.rawString, _):
            guard let a = stringValue, let b = other.stringValue else { return false }
            if case .rawString(let ra) = self, case .rawString(let rb) = other { return ra.source == rb.source }
            return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isSemanticallyEqual(to: $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let otherValue = b[key], value.isSemanticallyEqual(to: otherValue) else { return false }
            }
            return true
        default: return false
        }
    }
}
