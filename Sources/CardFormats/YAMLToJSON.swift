import CardKitJSON
import Foundation
import Yams

/// Converts YAML to the lossless JSON value, with bounds on size, structure, expanded bytes and depth.
///
/// The YAML read is text-generation-webui's character file: four keys, a few kilobytes, at most a long `context`.
/// Every limit below is far above that and stops a document that would take seconds or gigabytes:
/// - `maxBytes`, 4 MiB of input: Yams composes about a megabyte a second when the text is dense in nodes.
/// - `maxStructure`, 200,000 lines and flow separators (`,` `[` `{`), counted before Yams runs: block YAML puts a
///   key or an item on a line and flow YAML separates them, so this bounds the nodes Yams builds to a small multiple
///   of it (a 10.9 MB file of a million keys took 14.8 s). Prose stays far below: 4 MiB of text has about 100,000.
/// - `maxNodes`, 200,000 nodes after alias expansion.
/// - `maxExpandedBytes`, 16 MiB of scalar and key text after alias expansion: a document without aliases never
///   passes its own size, while 1 MB aliasing a 1 MiB string a thousand times reached 1.09 GB.
enum YAMLToJSON {
    /// Limits for one YAML document.
    struct Limits {
        var maxBytes = 4 << 20
        var maxStructure = 200_000
        var maxNodes = 200_000
        var maxExpandedBytes = 16 << 20
        var maxDepth = 256
    }

    static func convert(_ bytes: some Collection<UInt8>, limits: Limits = .init()) throws(CardFormatError) -> JSONValue
    {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge(size: bytes.count, limit: limits.maxBytes) }
        var array = Array(bytes)
        if array.starts(with: [0xEF, 0xBB, 0xBF]) { array.removeFirst(3) }
        try checkStructure(array, limits: limits)
        guard let text = String(validating: array, as: UTF8.self) else {
            throw .invalidYAML(line: nil, column: nil, reason: "the text is not valid UTF-8")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.describe(error)
        } catch {
            throw .invalidYAML(line: nil, column: nil, reason: String(describing: error))
        }
        guard let node else { return .null }
        var budget = limits.maxNodes
        var keyBudget = limits.maxBytes
        var byteBudget = limits.maxExpandedBytes
        return try convert(
            node, depth: 0, budget: &budget, keyBudget: &keyBudget, byteBudget: &byteBudget, limits: limits)
    }

    /// Refuses, before Yams sees it, text with more lines and flow separators than `maxStructure`; throws at the
    /// line where the count passes the limit.
    private static func checkStructure(_ bytes: [UInt8], limits: Limits) throws(CardFormatError) {
        var count = 0
        var line = 1
        for byte in bytes {
            switch byte {
            case 0x0A:
                line += 1
                count += 1
            case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "{"): count += 1
            default: continue
            }
            if count > limits.maxStructure {
                throw .tooComplex(
                    reason: "line \(line): the YAML has more than \(limits.maxStructure) lines and flow separators "
                        + "(a character file has a few dozen)")
            }
        }
    }

    /// Charges `count` bytes of expanded text to the budget.
    private static func charge(
        _ count: Int, at node: Node, budget byteBudget: inout Int, limits: Limits
    ) throws(CardFormatError) {
        byteBudget -= count
        if byteBudget < 0 {
            let place = node.mark.map { "line \($0.line), column \($0.column): " } ?? ""
            throw .tooComplex(
                reason: "\(place)the YAML expands to more than \(limits.maxExpandedBytes) bytes of text "
                    + "(aliases repeating a large value?)")
        }
    }

    /// `keyBudget` bounds the JSON text of mapping keys that are themselves collections: each level of such keys
    /// escapes the one below it, doubling its length (a fuzz finding: 130 bytes of nested `? ` keys ran for minutes).
    private static func convert(
        _ node: Node, depth: Int, budget: inout Int, keyBudget: inout Int, byteBudget: inout Int, limits: Limits
    ) throws(CardFormatError)
        -> JSONValue
    {
        budget -= 1
        if budget < 0 { throw .tooComplex(reason: "the YAML expands to more than \(limits.maxNodes) nodes") }
        if depth > limits.maxDepth { throw .tooComplex(reason: "the YAML nests deeper than \(limits.maxDepth) levels") }
        switch node {
        case .scalar(let scalar):
            try charge(scalar.string.utf8.count, at: node, budget: &byteBudget, limits: limits)
            switch node.tag.description {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue:
                if isJSONInteger(scalar.string) { return .number(JSONNumber(uncheckedLiteral: scalar.string)) }
                return node.int.map { .number(JSONNumber($0)) } ?? .string(scalar.string)
            case Tag.Name.float.rawValue:
                if let value = node.float, value.isFinite { return .number(JSONNumber(value)) }
                return .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                let name: String
                if case .scalar(let scalar) = key {
                    name = scalar.string
                    try charge(name.utf8.count, at: key, budget: &byteBudget, limits: limits)
                } else {
                    name = JSONWriter.string(
                        try convert(
                            key, depth: depth + 1, budget: &budget, keyBudget: &keyBudget, byteBudget: &byteBudget,
                            limits: limits))
                    keyBudget -= name.utf8.count
                    if keyBudget < 0 {
                        throw .tooComplex(
                            reason: "the YAML's collection keys expand to more than \(limits.maxBytes) bytes")
                    }
                }
                object[name] = try convert(
                    value, depth: depth + 1, budget: &budget, keyBudget: &keyBudget, byteBudget: &byteBudget,
                    limits: limits)
            }
            return .object(object)
        case .sequence(let sequence):
            var array: [JSONValue] = []
            for element in sequence {
                array.append(
                    try convert(
                        element, depth: depth + 1, budget: &budget, keyBudget: &keyBudget, byteBudget: &byteBudget,
                        limits: limits))
            }
            return .array(array)
        default:
            // Yams 6 adds `.alias` nodes; `compose` resolves aliases, so none should reach here.
            throw .invalidYAML(line: node.mark?.line, column: node.mark?.column, reason: "an unresolved alias")
        }
    }

    private static func isJSONInteger(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.hasPrefix("-") { digits = digits.dropFirst() }
        guard let first = digits.first, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return first != "0" || digits.count == 1
    }

    private static func describe(_ error: YamlError) -> CardFormatError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return .invalidYAML(line: mark.line, column: mark.column, reason: problem)
        case .composer(_, let problem, let mark, _):
            return .invalidYAML(line: mark.line, column: mark.column, reason: problem)
        default:
            return .invalidYAML(line: nil, column: nil, reason: String(describing: error))
        }
    }
}
