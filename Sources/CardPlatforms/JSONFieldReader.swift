import CardKitJSON
import OrderedCollections

/// Reads the fields of a platform object with typed errors naming the JSON pointer (internal helper).
struct JSONFieldReader {
    let platform: Platform
    let object: JSONObject
    let base: JSONPointer

    init(_ json: JSONValue, platform: Platform, at base: JSONPointer = JSONPointer(), what: String)
        throws(PlatformError)
    {
        guard case .object(let object) = json else {
            throw .invalidObject(platform, at: base, "\(what) must be an object, found \(json.typeName())")
        }
        self.platform = platform
        self.object = object
        self.base = base
    }

    init(object: JSONObject, platform: Platform, at base: JSONPointer) {
        self.platform = platform
        self.object = object
        self.base = base
    }

    /// The keys not in `known`, in source order.
    func additional(excluding known: [String]) -> JSONObject {
        var result = JSONObject()
        for (key, value) in object where !known.contains(key) { result[key] = value }
        return result
    }

    func string(_ key: String) throws(PlatformError) -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard let text = value.stringValue else {
            throw .invalidObject(
                platform, at: base.appending(key), "`\(key)` must be a string, found \(value.typeName())")
        }
        return text
    }

    func requiredString(_ key: String) throws(PlatformError) -> String {
        guard let text = try string(key) else {
            throw .invalidObject(platform, at: base.appending(key), "missing required string `\(key)`")
        }
        return text
    }

    /// A string, or a list of strings / `{role?, content|text}` turns joined with newlines (Spicychat's
    /// `persona` and `dialogue` may be either, per RIPart).
    func textOrTurns(_ key: String) throws(PlatformError) -> String? {
        guard let value = object[key], value != .null else { return nil }
        if let text = value.stringValue { return text }
        guard let array = value.arrayValue else {
            throw .invalidObject(
                platform, at: base.appending(key), "`\(key)` must be a string or a list, found \(value.typeName())")
        }
        var lines: [String] = []
        for (index, element) in array.enumerated() {
            if let text = element.stringValue {
                lines.append(text)
            } else if let turn = element.objectValue, let text = (turn["content"] ?? turn["text"])?.stringValue {
                if let role = (turn["role"] ?? turn["name"])?.stringValue, !role.isEmpty {
                    lines.append("\(role): \(text)")
                } else {
                    lines.append(text)
                }
            } else {
                throw .invalidObject(
                    platform, at: base.appending(key).appending(index), "a turn must be a string or {role, content}")
            }
        }
        return lines.joined(separator: "\n")
    }

    func strings(_ key: String) throws(PlatformError) -> [String]? {
        guard let value = object[key], value != .null else { return nil }
        guard let array = value.arrayValue else {
            throw .invalidObject(
                platform, at: base.appending(key), "`\(key)` must be an array, found \(value.typeName())")
        }
        var result: [String] = []
        for (index, element) in array.enumerated() {
            guard let text = element.stringValue else {
                throw .invalidObject(
                    platform, at: base.appending(key).appending(index),
                    "`\(key)` must hold strings, found \(element.typeName())")
            }
            result.append(text)
        }
        return result
    }

    func bool(_ key: String) throws(PlatformError) -> Bool? {
        guard let value = object[key], value != .null else { return nil }
        guard let flag = value.boolValue else {
            throw .invalidObject(
                platform, at: base.appending(key), "`\(key)` must be a Boolean, found \(value.typeName())")
        }
        return flag
    }

    func number(_ key: String) throws(PlatformError) -> JSONNumber? {
        guard let value = object[key], value != .null else { return nil }
        guard let number = value.numberValue else {
            throw .invalidObject(
                platform, at: base.appending(key), "`\(key)` must be a number, found \(value.typeName())")
        }
        return number
    }

    func objectField(_ key: String) throws(PlatformError) -> JSONObject? {
        guard let value = object[key], value != .null else { return nil }
        guard let child = value.objectValue else {
            throw .invalidObject(
                platform, at: base.appending(key), "`\(key)` must be an object, found \(value.typeName())")
        }
        return child
    }
}

extension JSONObject {
    /// Appends the members of `other` whose keys are not present yet.
    mutating func appendMissing(_ other: JSONObject) {
        for (key, value) in other where self[key] == nil { self[key] = value }
    }
}

extension JSONValue {
    /// Whether the value carries no information: `null`, `""`, `[]` or `{}`.
    var isEmptyValue: Bool {
        switch self {
        case .null: return true
        case .string(let text): return text.isEmpty
        case .rawString(let raw): return raw.value.isEmpty
        case .array(let array): return array.isEmpty
        case .object(let object): return object.isEmpty
        case .bool, .number: return false
        }
    }
}
