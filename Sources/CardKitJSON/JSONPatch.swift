/// An RFC 6902 JSON Patch: a list of operations applied in order, all or nothing.
///
/// Every operation of the RFC is supported (`add`, `remove`, `replace`, `move`, `copy`, `test`); `test` compares
/// values semantically (numbers by value, objects regardless of key order), as the RFC asks. Applying a patch never
/// changes the value it was given: it returns a new value, or throws naming the operation that failed.
///
/// ```swift
/// let patch = try JSONPatch(json: JSONParser.parse(#"[{"op":"replace","path":"/data/name","value":"Ada"}]"#).value)
/// let edited = try patch.apply(to: card.json)
/// ```
package struct JSONPatch: Sendable, Hashable {
    /// One operation of a patch.
    package enum Operation: Sendable, Hashable {
        /// Adds `value` at `path` (an object member, or before an array index; `-` appends).
        case add(path: JSONPointer, value: JSONValue)
        /// Removes the value at `path`.
        case remove(path: JSONPointer)
        /// Replaces the value at `path`, which must exist.
        case replace(path: JSONPointer, value: JSONValue)
        /// Removes the value at `from` and adds it at `path`.
        case move(from: JSONPointer, path: JSONPointer)
        /// Adds a copy of the value at `from` at `path`.
        case copy(from: JSONPointer, path: JSONPointer)
        /// Fails the whole patch unless the value at `path` equals `value`.
        case test(path: JSONPointer, value: JSONValue)

        /// The operation's name as the RFC spells it (`add`, `test`, …).
        package var name: String {
            switch self {
            case .add: "add"
            case .remove: "remove"
            case .replace: "replace"
            case .move: "move"
            case .copy: "copy"
            case .test: "test"
            }
        }

        /// The operation's target path.
        package var path: JSONPointer {
            switch self {
            case .add(let path, _), .remove(let path), .replace(let path, _), .move(_, let path),
                .copy(_, let path), .test(let path, _):
                path
            }
        }

        /// The operation as an RFC 6902 object (`{"op":…,"path":…}` plus `value` or `from`).
        package var json: JSONValue {
            var object: JSONObject = ["op": .string(name), "path": .string(path.description)]
            switch self {
            case .add(_, let value), .replace(_, let value), .test(_, let value): object["value"] = value
            case .move(let from, _), .copy(let from, _): object["from"] = .string(from.description)
            case .remove: break
            }
            return .object(object)
        }
    }

    /// The operations, in the order they are applied.
    package var operations: [Operation]

    /// Creates a patch from operations.
    ///
    /// - Parameter operations: The operations, in order.
    package init(operations: [Operation] = []) { self.operations = operations }

    /// Reads a patch document: an array of operation objects.
    ///
    /// - Parameter json: The parsed patch document.
    /// - Throws: ``JSONPatchError`` naming the operation that is malformed (a missing `path`, an unknown `op`).
    package init(json: JSONValue) throws(JSONPatchError) {
        guard let array = json.arrayValue else {
            throw JSONPatchError(
                index: nil, operation: nil, reason: "a JSON Patch is an array of operations, found \(json.typeName())")
        }
        var operations: [Operation] = []
        for (index, element) in array.enumerated() {
            operations.append(try Self.operation(element, index: index))
        }
        self.operations = operations
    }

    /// The patch as an RFC 6902 document.
    package var json: JSONValue { .array(operations.map(\.json)) }

    /// Whether the patch has no operations.
    package var isEmpty: Bool { operations.isEmpty }

    /// Applies every operation in order to `value`.
    ///
    /// - Parameter value: The document to patch.
    /// - Returns: The patched document.
    /// - Throws: ``JSONPatchError`` naming the first operation that does not apply and why; nothing is applied then.
    package func apply(to value: JSONValue) throws(JSONPatchError) -> JSONValue {
        var document = value
        for (index, operation) in operations.enumerated() {
            do {
                document = try Self.apply(operation, to: document)
            } catch {
                throw JSONPatchError(index: index, operation: operation, reason: error.reason)
            }
        }
        return document
    }

    // MARK: - Reading

    private static func operation(_ element: JSONValue, index: Int) throws(JSONPatchError) -> Operation {
        func fail(_ reason: String) -> JSONPatchError { JSONPatchError(index: index, operation: nil, reason: reason) }
        guard let object = element.objectValue else { throw fail("an operation is an object") }
        guard let op = object["op"]?.stringValue else { throw fail("the operation has no string `op`") }
        func pointer(_ key: String) throws(JSONPatchError) -> JSONPointer {
            guard let text = object[key]?.stringValue else { throw fail("`\(op)` needs a string `\(key)`") }
            guard let pointer = JSONPointer(parsing: text) else {
                throw fail("`\(key)` \"\(text)\" is not a JSON Pointer (it must be empty or start with /)")
            }
            return pointer
        }
        func value() throws(JSONPatchError) -> JSONValue {
            guard let value = object["value"] else { throw fail("`\(op)` needs a `value`") }
            return value
        }
        switch op {
        case "add": return .add(path: try pointer("path"), value: try value())
        case "remove": return .remove(path: try pointer("path"))
        case "replace": return .replace(path: try pointer("path"), value: try value())
        case "move": return .move(from: try pointer("from"), path: try pointer("path"))
        case "copy": return .copy(from: try pointer("from"), path: try pointer("path"))
        case "test": return .test(path: try pointer("path"), value: try value())
        default: throw fail("unknown operation `\(op)` (add, remove, replace, move, copy or test)")
        }
    }

    // MARK: - Applying

    private struct Failure: Error {
        var reason: String
    }

    private static func apply(_ operation: Operation, to document: JSONValue) throws(Failure) -> JSONValue {
        switch operation {
        case .add(let path, let value):
            return try add(value, at: path, in: document)
        case .remove(let path):
            return try remove(at: path, in: document).document
        case .replace(let path, let value):
            guard path.resolve(in: document) != nil else { throw Failure(reason: "there is no value to replace") }
            guard let last = path.tokens.last else { return value }
            return try modifyParent(of: path, in: document) { (parent) throws(Failure) in
                switch parent {
                case .object(var object):
                    object[last] = value  // an existing key keeps its place
                    parent = .object(object)
                case .array(var array):
                    guard let index = arrayIndex(last), array.indices.contains(index) else {
                        throw Failure(reason: "there is no value to replace")
                    }
                    array[index] = value
                    parent = .array(array)
                default:
                    throw Failure(reason: "there is no value to replace")
                }
            }
        case .move(let from, let path):
            if from == path { return document }
            if path.tokens.count > from.tokens.count, Array(path.tokens.prefix(from.tokens.count)) == from.tokens {
                throw Failure(reason: "a value cannot be moved into itself")
            }
            let (removed, value) = try remove(at: from, in: document, what: "`from`")
            return try add(value, at: path, in: removed)
        case .copy(let from, let path):
            guard let value = from.resolve(in: document) else { throw Failure(reason: "`from` names no value") }
            return try add(value, at: path, in: document)
        case .test(let path, let expected):
            guard let actual = path.resolve(in: document) else { throw Failure(reason: "there is no value to test") }
            guard actual.isSemanticallyEqual(to: expected) else {
                throw Failure(
                    reason: "the value is \(Self.excerpt(actual)), not \(Self.excerpt(expected))")
            }
            return document
        }
    }

    /// A short rendering of a value for messages.
    static func excerpt(_ value: JSONValue) -> String {
        let text = JSONWriter.string(value)
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }

    private static func add(_ value: JSONValue, at path: JSONPointer, in document: JSONValue) throws(Failure)
        -> JSONValue
    {
        guard let last = path.tokens.last else { return value }
        return try modifyParent(of: path, in: document) { (parent) throws(Failure) in
            switch parent {
            case .object(var object):
                object[last] = value
                parent = .object(object)
            case .array(var array):
                if last == "-" {
                    array.append(value)
                } else {
                    guard let index = arrayIndex(last), index <= array.count else {
                        throw Failure(reason: "the index \(last) is outside the array of \(array.count)")
                    }
                    array.insert(value, at: index)
                }
                parent = .array(array)
            default:
                throw Failure(reason: "the parent is \(parent.typeName()), not an object or array")
            }
        }
    }

    private static func remove(at path: JSONPointer, in document: JSONValue, what: String = "the path") throws(Failure)
        -> (document: JSONValue, removed: JSONValue)
    {
        guard let last = path.tokens.last else { throw Failure(reason: "the whole document cannot be removed") }
        guard let removed = path.resolve(in: document) else { throw Failure(reason: "\(what) names no value") }
        let document = try modifyParent(of: path, in: document) { (parent) throws(Failure) in
            switch parent {
            case .object(var object):
                object.removeValue(forKey: last)
                parent = .object(object)
            case .array(var array):
                guard let index = arrayIndex(last), array.indices.contains(index) else {
                    throw Failure(reason: "\(what) names no value")
                }
                array.remove(at: index)
                parent = .array(array)
            default:
                throw Failure(reason: "\(what) names no value")
            }
        }
        return (document, removed)
    }

    /// An RFC 6901 array index: digits without a leading zero.
    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber),
            token == "0" || !token.hasPrefix("0")
        else { return nil }
        return Int(token)
    }

    /// Rebuilds `document` with the parent of `path` changed by `body`.
    private static func modifyParent(
        of path: JSONPointer, in document: JSONValue, _ body: (inout JSONValue) throws(Failure) -> Void
    ) throws(Failure) -> JSONValue {
        try modify(document, tokens: path.tokens.dropLast()[...], body)
    }

    private static func modify(
        _ value: JSONValue, tokens: ArraySlice<String>, _ body: (inout JSONValue) throws(Failure) -> Void
    ) throws(Failure) -> JSONValue {
        guard let token = tokens.first else {
            var value = value
            try body(&value)
            return value
        }
        switch value {
        case .object(var object):
            guard let child = object[token] else { throw Failure(reason: "the parent of the path does not exist") }
            object[token] = try modify(child, tokens: tokens.dropFirst(), body)
            return .object(object)
        case .array(var array):
            guard let index = arrayIndex(token), array.indices.contains(index) else {
                throw Failure(reason: "the parent of the path does not exist")
            }
            array[index] = try modify(array[index], tokens: tokens.dropFirst(), body)
            return .array(array)
        default:
            throw Failure(reason: "the parent of the path does not exist")
        }
    }
}

/// Thrown when a JSON Patch is malformed or does not apply.
package struct JSONPatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The position of the failing operation in the patch, or `nil` when the document itself is malformed.
    package var index: Int?
    /// The failing operation, when it could be read.
    package var operation: JSONPatch.Operation?
    /// Why, in words.
    package var reason: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - index: The failing operation's position.
    ///   - operation: The failing operation.
    ///   - reason: Why.
    package init(index: Int?, operation: JSONPatch.Operation?, reason: String) {
        self.index = index
        self.operation = operation
        self.reason = reason
    }

    /// `patch operation 2 (test /data/name): the value is "Bob", not "Ada"`.
    package var description: String {
        guard let index else { return "invalid JSON Patch: \(reason)" }
        if let operation {
            return "patch operation \(index) (\(operation.name) \(operation.path.displayString)): \(reason)"
        }
        return "patch operation \(index): \(reason)"
    }
}
