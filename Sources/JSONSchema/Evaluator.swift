import CardKitJSON
import Foundation
import OrderedCollections

/// One step of an instance location, turned into text only when an error is recorded (internal).
enum PathToken {
    case key(String)
    case index(Int)
    /// A member's name as the instance `propertyNames` validates (at the member's location, but a different value).
    case propertyName(String)

    var text: String {
        switch self {
        case .key(let key), .propertyName(let key): return key
        case .index(let index): return String(index)
        }
    }
}

/// The annotations `unevaluatedProperties`/`unevaluatedItems` read: which members and items were evaluated
/// by successful subschemas at the same instance location (internal).
struct Annotations {
    var allProperties = false
    var properties: Set<String> = []
    var allItems = false
    var itemPrefix = 0
    var items: Set<Int> = []

    mutating func merge(_ other: Annotations) {
        if other.allProperties {
            allProperties = true
        } else if !other.properties.isEmpty {
            properties.formUnion(other.properties)
        }
        if other.allItems { allItems = true }
        itemPrefix = max(itemPrefix, other.itemPrefix)
        if !other.items.isEmpty { items.formUnion(other.items) }
    }
}

/// Walks an instance through a ``Program`` (internal).
///
/// One evaluator serves one validation call.
///
/// The success path builds no strings: keyword and instance paths are stacks of ready-made tokens,
/// and pointers and messages are made only when an error is recorded (and only in the basic format).
final class Evaluator {
    private let program: Program
    private let nodes: UnsafePointer<SchemaNode>
    private var collect: Bool
    private(set) var errors: [SchemaViolation] = []
    private var keywordPath: [String] = []
    private var instancePath: [PathToken] = []
    private var scope: [Int] = []
    private var depth = 0
    private var instanceDepth = 0
    /// The references being followed on the current path, with the instance depth at which each was entered.
    ///
    /// Along one path the instance depth only grows, so meeting the same target at the same depth means the schema came
    /// back to itself without reaching into the instance: an endless cycle, refused at once instead of being followed
    /// (along every branch) until the depth limit.
    private var activeReferences: [(target: Int, instanceDepth: Int)] = []

    // MARK: Bounding the work

    /// Subschema evaluations so far, against ``Program/maxEvaluationSteps``.
    private var steps = 0
    /// The violation that ended evaluation when the step budget ran out; the result is then invalid.
    private(set) var budgetViolation: SchemaViolation?
    /// Whether a violation was left out because ``Program/maxErrors`` were already recorded.
    private var droppedErrors = false
    /// Counts the failures that depend on how a subschema was reached (the `$ref` cycle check and the evaluation
    /// depth limit), not only on the subschema and the value: a result that met one is not memoized.
    private var contextFailures = 0
    /// Whether `$ref` results are memoized (see ``memo``): the program has references and no `$dynamicRef`,
    /// whose results depend on the dynamic scope.
    let memoizes: Bool
    /// The results of references already followed, by target and instance location.
    ///
    /// Without it, a schema whose applicators reach the same subschema through several `$ref`s (22 nested
    /// `anyOf` of two `$ref`s each) evaluates it once per path: 2²² times. Only results computed without
    /// annotation tracking (`unevaluated*` reads annotations) and without a context failure are kept, so a
    /// stored result is exactly what evaluating again would give.
    private var memo: [MemoKey: MemoEntry] = [:]
    /// The instance path as tokens, kept (when ``memoizes``) whether or not errors are collected.
    private var locationTokens: [PathToken] = []
    /// The location id of each prefix of ``locationTokens`` (index 0 is the root, id 0); -1 until asked for.
    private var locationIDs: [Int] = [0]
    /// Location ids by parent id and token.
    private var childLocations: [LocationKey: Int] = [:]

    private struct MemoKey: Hashable {
        var target: Int
        var location: Int
    }

    private struct LocationKey: Hashable {
        var parent: Int
        var key: String?
        var index: Int
    }

    private enum MemoEntry {
        case valid
        /// Invalid, computed without collecting errors.
        case invalid
        /// Invalid, with the errors it recorded: keyword locations relative to the reference's own location.
        case invalidWithErrors([SchemaViolation])
    }

    /// The most subschema evaluations of this evaluator (at most ``Program/maxEvaluationSteps``).
    private let stepLimit: Int
    /// Whether any pass of this evaluator ran out of ``stepLimit``.
    private(set) var ranOutOfSteps = false

    /// Whether `$ref` results can be memoized for this program (it has references and no `$dynamicRef`).
    static func canMemoize(_ program: Program) -> Bool { program.hasReferences && !program.usesDynamicScope }

    init(program: Program, collect: Bool, memoize: Bool = true, stepLimit: Int? = nil) {
        self.program = program
        self.nodes = UnsafePointer(program.storage.baseAddress!)
        self.collect = collect
        self.memoizes = memoize && Self.canMemoize(program)
        self.stepLimit = min(stepLimit ?? program.maxEvaluationSteps, program.maxEvaluationSteps)
    }

    func run(_ instance: JSONValue) -> Bool {
        var annotations = Annotations()
        let valid = withExtendedLifetime(program) { evaluate(program.root, instance, &annotations, false) }
        if let budgetViolation {
            errors = [budgetViolation]
            return false
        }
        if !valid, droppedErrors, errors.count >= program.maxErrors {
            errors.append(
                SchemaViolation(
                    instanceLocation: JSONPointer(), keywordLocation: JSONPointer(), absoluteKeywordLocation: "",
                    message: "only the first \(program.maxErrors) errors are reported; later ones were left out"))
        }
        return valid
    }

    /// Validates in the flag format and, when the instance is invalid, again collecting the errors.
    ///
    /// A valid instance has no errors, so most validations need the fast pass only, and the two formats always
    /// agree on validity, even when one pass runs out of ``Program/maxEvaluationSteps`` and the other would not:
    /// the flag pass stops at the first failure. `$ref` results found valid by the first pass are reused.
    func runCollecting(_ instance: JSONValue) -> Bool {
        collect = false
        if run(instance) { return true }
        let quietBudgetViolation = budgetViolation
        collect = true
        steps = 0
        budgetViolation = nil
        droppedErrors = false
        errors = []
        if run(instance) {
            // Only when the flag pass ran out of steps: report that rather than an invalid result without errors.
            guard let quietBudgetViolation else { return true }
            errors = [quietBudgetViolation]
        }
        return false
    }

    /// The id of the current instance location, made from ``locationTokens`` on first use.
    private func currentLocation() -> Int {
        var known = locationIDs.count - 1
        while locationIDs[known] < 0 { known -= 1 }
        var id = locationIDs[known]
        while known < locationIDs.count - 1 {
            known += 1
            let key: LocationKey
            switch locationTokens[known - 1] {
            case .key(let name): key = LocationKey(parent: id, key: name, index: 0)
            case .propertyName(let name): key = LocationKey(parent: id, key: name, index: 1)
            case .index(let index): key = LocationKey(parent: id, key: nil, index: index)
            }
            if let existing = childLocations[key] {
                id = existing
            } else {
                id = childLocations.count + 1
                childLocations[key] = id
            }
            locationIDs[known] = id
        }
        return id
    }

    // MARK: - Nodes

    private func evaluate(_ index: Int, _ instance: JSONValue, _ ann: inout Annotations, _ track: Bool) -> Bool {
        let node = nodes + index
        if node.pointee.isTrivial { return true }
        if node.pointee.isFalse {
            fail(node, nil, "no value is allowed here (the schema is false)")
            return false
        }
        if budgetViolation != nil { return false }
        steps += 1
        if steps > stepLimit {
            ranOutOfSteps = true
            budgetViolation = SchemaViolation(
                instanceLocation: JSONPointer(tokens: instancePath.map(\.text)),
                keywordLocation: JSONPointer(tokens: keywordPath), absoluteKeywordLocation: node.pointee.location,
                message:
                    "evaluation step budget exceeded: more than \(program.maxEvaluationSteps) subschema evaluations "
                    + "(JSONSchemaOptions.maxEvaluationSteps); the instance was not fully validated")
            return false
        }
        depth += 1
        defer { depth -= 1 }
        if depth > program.maxEvaluationDepth {
            contextFailures += 1
            fail(node, nil, "evaluation is nested deeper than \(program.maxEvaluationDepth) subschemas (a $ref cycle?)")
            return false
        }
        var pushed = false
        if program.usesDynamicScope, scope.last != node.pointee.resource {
            scope.append(node.pointee.resource)
            pushed = true
        }
        defer { if pushed { scope.removeLast() } }
        if node.pointee.hasUnevaluated && !track {
            var local = Annotations()
            return evaluateKeywords(node, instance, &local, true)
        }
        return evaluateKeywords(node, instance, &ann, track)
    }

    /// Runs `check` over `keywords` read in place (borrowed from the program, not copied out of the array).
    /// - Returns: `nil` when a keyword failed and errors are not collected (stop now), else whether any failed.
    @inline(__always)
    private func failures(_ keywords: [Keyword], _ check: (Keyword) -> Bool) -> Bool? {
        keywords.withUnsafeBufferPointer { buffer -> Bool? in
            var failed = false
            for index in buffer.indices where !check(buffer[index]) {
                failed = true
                if !collect { return nil }
            }
            return failed
        }
    }

    private func evaluateKeywords(
        _ node: UnsafePointer<SchemaNode>, _ instance: JSONValue, _ ann: inout Annotations, _ track: Bool
    ) -> Bool {
        var valid = true
        guard let failed = failures(node.pointee.general, { general($0, node, instance, &ann, track) })
        else { return false }
        if failed { valid = false }
        switch instance {
        case .object(let object):
            guard let failed = failures(node.pointee.object, { objectKeyword($0, node, object, &ann, track) })
            else { return false }
            if failed { valid = false }
        case .array(let array):
            guard let failed = failures(node.pointee.array, { arrayKeyword($0, node, array, &ann, track) })
            else { return false }
            if failed { valid = false }
        case .string(let string):
            guard let failed = failures(node.pointee.string, { stringKeyword($0, node, string) }) else { return false }
            if failed { valid = false }
        case .rawString(let raw):
            guard let failed = failures(node.pointee.string, { stringKeyword($0, node, raw.value) })
            else { return false }
            if failed { valid = false }
        case .number(let number):
            guard let failed = failures(node.pointee.number, { numberKeyword($0, node, number) }) else { return false }
            if failed { valid = false }
        case .null, .bool:
            break
        }
        return valid
    }

    // MARK: - Descending

    @inline(__always)
    private func descend(
        _ target: Int, _ value: JSONValue, _ keyword: String, _ extra: String?, _ token: PathToken?,
        _ ann: inout Annotations, _ track: Bool
    ) -> Bool {
        let collecting = collect
        if collecting {
            keywordPath.append(keyword)
            if let extra { keywordPath.append(extra) }
            if let token { instancePath.append(token) }
        }
        defer {
            if collecting {
                keywordPath.removeLast(extra == nil ? 1 : 2)
                if token != nil { instancePath.removeLast() }
            }
        }
        if let token {
            instanceDepth += 1
            defer { instanceDepth -= 1 }
            if memoizes {
                locationTokens.append(token)
                locationIDs.append(-1)
            }
            defer {
                if memoizes {
                    locationTokens.removeLast()
                    locationIDs.removeLast()
                }
            }
            if instanceDepth > program.maxInstanceDepth {
                failHere("the instance is nested deeper than \(program.maxInstanceDepth) levels")
                return false
            }
            return evaluate(target, value, &ann, track)
        }
        return evaluate(target, value, &ann, track)
    }

    /// Whether `value` passes `child` by its type alone, checked in place without descending.
    ///
    /// Only when `child` asserts nothing but `type`, directly or through `$ref`s (``SchemaNode/typeOnly``), the value
    /// has that type, and evaluating `child` would stay within the step budget and both depth limits; the steps that
    /// evaluation would take are counted. Through a `$ref` only when results are not memoized, since a memoized
    /// reference takes no step for its target. Anything else (a wrong type, a limit reached) returns `false` for the
    /// full path, which reports it. A lorebook entry's members are almost all such values.
    @inline(__always)
    private func passesByTypeAlone(_ child: Int, _ value: JSONValue) -> Bool {
        guard let check = nodes[child].typeOnly, Self.matches(check.mask, value), budgetViolation == nil else {
            return false
        }
        let evaluations = check.evaluations
        guard evaluations == 1 || !memoizes, steps + evaluations <= stepLimit,
            depth + evaluations <= program.maxEvaluationDepth, instanceDepth < program.maxInstanceDepth
        else { return false }
        steps += evaluations
        return true
    }

    /// Follows a `$ref`/`$dynamicRef`, refusing a cycle that does not consume the instance (see ``activeReferences``).
    private func followReference(
        _ target: Int, _ node: UnsafePointer<SchemaNode>, _ keyword: String, _ instance: JSONValue,
        _ ann: inout Annotations, _ track: Bool
    ) -> Bool {
        if activeReferences.contains(where: { $0.target == target && $0.instanceDepth == instanceDepth }) {
            contextFailures += 1
            fail(
                node, keyword,
                "\(keyword) leads back to a schema already being applied to this value (an endless cycle)")
            return false
        }
        activeReferences.append((target, instanceDepth))
        defer { activeReferences.removeLast() }
        guard memoizes, !track else { return descend(target, instance, keyword, nil, nil, &ann, track) }
        let key = MemoKey(target: target, location: currentLocation())
        switch memo[key] {
        case .valid: return true
        case .invalid where !collect: return false
        case .invalidWithErrors(let stored):
            if collect {
                // Only as many as still fit: rebasing errors that would be dropped made a 22-level `allOf` bomb
                // rebuild a thousand long paths at every level (a fuzz finding, 14 s under ASan).
                let room = max(0, program.maxErrors - errors.count)
                if stored.count > room { droppedErrors = true }
                let prefix = keywordPath
                for violation in stored.prefix(room) {
                    var rebased = violation
                    rebased.keywordLocation.tokens = prefix + violation.keywordLocation.tokens
                    errors.append(rebased)
                }
            }
            return false
        default: break
        }
        let mark = errors.count
        let failuresBefore = contextFailures
        let prefixCount = keywordPath.count
        let valid = descend(target, instance, keyword, nil, nil, &ann, track)
        guard contextFailures == failuresBefore, budgetViolation == nil else { return valid }
        if valid {
            memo[key] = .valid
        } else if collect {
            memo[key] = .invalidWithErrors(
                errors[mark...].map { violation in
                    var relative = violation
                    relative.keywordLocation.tokens.removeFirst(min(prefixCount, relative.keywordLocation.tokens.count))
                    return relative
                })
        } else {
            memo[key] = .invalid
        }
        return valid
    }

    /// Appends a violation unless ``Program/maxErrors`` are already recorded.
    private func record(_ violation: SchemaViolation) {
        guard errors.count < program.maxErrors else {
            droppedErrors = true
            return
        }
        errors.append(violation)
    }

    @inline(__always)
    private func quietly<T>(_ body: () -> T) -> T {
        let saved = collect
        collect = false
        defer { collect = saved }
        return body()
    }

    // MARK: - Errors

    private func fail(
        _ node: UnsafePointer<SchemaNode>, _ keyword: String?, extra: String? = nil, at token: PathToken? = nil,
        _ message: @autoclosure () -> String
    ) {
        guard collect else { return }
        var keywordTokens = keywordPath
        var absolute = node.pointee.location
        if let keyword {
            keywordTokens.append(keyword)
            absolute += "/" + escapePointerToken(keyword)
        }
        if let extra {
            keywordTokens.append(extra)
            absolute += "/" + escapePointerToken(extra)
        }
        guard errors.count < program.maxErrors else {
            droppedErrors = true
            return
        }
        var instanceTokens = instancePath.map(\.text)
        if let token { instanceTokens.append(token.text) }
        errors.append(
            SchemaViolation(
                instanceLocation: JSONPointer(tokens: instanceTokens),
                keywordLocation: JSONPointer(tokens: keywordTokens),
                absoluteKeywordLocation: absolute, message: message()))
    }

    /// Records an error at the current paths, for limits that are not tied to a keyword.
    private func failHere(_ message: String) {
        guard collect else { return }
        record(
            SchemaViolation(
                instanceLocation: JSONPointer(tokens: instancePath.map(\.text)),
                keywordLocation: JSONPointer(tokens: keywordPath), absoluteKeywordLocation: "", message: message))
    }

    private func truncateErrors(to mark: Int) {
        if errors.count > mark { errors.removeSubrange(mark...) }
    }

    /// The error for a pattern that ran out of backtracking steps on `subject` (the value is treated as invalid).
    private static func regexBudgetMessage(_ regex: ECMARegex, _ subject: String) -> String {
        "regex step budget exceeded: matching /\(regex.source)/ against \(subject) took more than "
            + "1,000,000 + 100 per character backtracking steps; the value is treated as not matching"
    }

    private static func preview(_ value: JSONValue) -> String {
        let text = JSONWriter.string(value)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }

    // MARK: - Keywords for every type

    private func general(
        _ keyword: Keyword, _ node: UnsafePointer<SchemaNode>, _ instance: JSONValue, _ ann: inout Annotations,
        _ track: Bool
    ) -> Bool {
        switch keyword {
        case .ref(let name, let target):
            return followReference(target, node, name, instance, &ann, track)
        case .dynamicRef(let target, let anchor):
            var destination = target
            if let anchor {
                for resource in scope {
                    if let found = program.dynamicAnchors[resource][anchor] {
                        destination = found
                        break
                    }
                }
            }
            return followReference(destination, node, "$dynamicRef", instance, &ann, track)
        case .type(let mask, let names):
            if Self.matches(mask, instance) { return true }
            fail(
                node, "type",
                "expected \(names.joined(separator: " or ")), found \(instance.typeName(distinguishIntegers: true))")
            return false
        case .enumeration(let values):
            for value in values where SchemaEquality.equal(value, instance) { return true }
            fail(node, "enum", "\(Self.preview(instance)) is not one of \(Self.preview(.array(values)))")
            return false
        case .constant(let value):
            if SchemaEquality.equal(value, instance) { return true }
            fail(node, "const", "\(Self.preview(instance)) is not the constant \(Self.preview(value))")
            return false
        case .allOf(let children):
            var valid = true
            for (offset, child) in children.enumerated()
            where !descend(child, instance, "allOf", String(offset), nil, &ann, track) {
                valid = false
                if !collect { return false }
            }
            return valid
        case .anyOf(let children):
            let mark = errors.count
            var matched = false
            for (offset, child) in children.enumerated() {
                var sub = Annotations()
                if descend(child, instance, "anyOf", String(offset), nil, &sub, track) {
                    matched = true
                    if !track { break }
                    ann.merge(sub)
                }
            }
            if matched {
                truncateErrors(to: mark)
                return true
            }
            fail(node, "anyOf", "the value matches none of the \(children.count) schemas in anyOf")
            return false
        case .oneOf(let children):
            let mark = errors.count
            var matches: [Int] = []
            var kept = Annotations()
            for (offset, child) in children.enumerated() {
                var sub = Annotations()
                if descend(child, instance, "oneOf", String(offset), nil, &sub, track) {
                    matches.append(offset)
                    if matches.count == 1 { kept = sub }
                    if matches.count > 1 && !collect { break }
                }
            }
            if matches.count == 1 {
                truncateErrors(to: mark)
                if track { ann.merge(kept) }
                return true
            }
            if matches.isEmpty {
                fail(node, "oneOf", "the value matches none of the \(children.count) schemas in oneOf")
            } else {
                truncateErrors(to: mark)
                fail(
                    node, "oneOf",
                    "the value matches schemas \(matches.map(String.init).joined(separator: " and ")) of oneOf; exactly one must match"
                )
            }
            return false
        case .not(let child):
            var sub = Annotations()
            let matched = quietly { descend(child, instance, "not", nil, nil, &sub, false) }
            if !matched { return true }
            fail(node, "not", "the value must not match the schema in not")
            return false
        case .conditional(let condition, let then, let otherwise):
            if then == nil && otherwise == nil && !track { return true }
            var sub = Annotations()
            if quietly({ descend(condition, instance, "if", nil, nil, &sub, track) }) {
                if track { ann.merge(sub) }
                if let then { return descend(then, instance, "then", nil, nil, &ann, track) }
            } else if let otherwise {
                return descend(otherwise, instance, "else", nil, nil, &ann, track)
            }
            return true
        default:
            return true
        }
    }

    @inline(__always)
    private static func matches(_ mask: TypeMask, _ instance: JSONValue) -> Bool {
        switch instance {
        case .null: return mask.contains(.null)
        case .bool: return mask.contains(.boolean)
        case .object: return mask.contains(.object)
        case .array: return mask.contains(.array)
        case .string, .rawString: return mask.contains(.string)
        case .number(let number):
            return mask.contains(.number) || (mask.contains(.integer) && NumberSupport.isInteger(number))
        }
    }

    // MARK: - Objects

    private func objectKeyword(
        _ keyword: Keyword, _ node: UnsafePointer<SchemaNode>, _ object: JSONObject, _ ann: inout Annotations,
        _ track: Bool
    ) -> Bool {
        switch keyword {
        case .properties(let group):
            if group.patterns.isEmpty, group.additional == nil, !track {
                return namedProperties(group.properties, node, object)
            }
            var valid = true
            for (key, value) in object {
                var matched = false
                if let child = group.properties.value(for: key) {
                    matched = true
                    var sub = Annotations()
                    if nodes[child].isFalse {
                        fail(node, "properties", extra: key, at: .key(key), "property '\(key)' is not allowed")
                        valid = false
                    } else if !passesByTypeAlone(child, value),
                        !descend(child, value, "properties", key, .key(key), &sub, false)
                    {
                        valid = false
                    }
                    if !valid && !collect { return false }
                }
                for (regex, child) in group.patterns {
                    guard let found = regex.search(key) else {
                        fail(
                            node, "patternProperties", extra: regex.source, at: .key(key),
                            Self.regexBudgetMessage(regex, "the property name '\(key)'"))
                        matched = true  // not also reported as an additional property
                        valid = false
                        if !collect { return false }
                        continue
                    }
                    guard found else { continue }
                    matched = true
                    var sub = Annotations()
                    if !descend(child, value, "patternProperties", regex.source, .key(key), &sub, false) {
                        valid = false
                        if !collect { return false }
                    }
                }
                if matched {
                    if track && group.additional == nil { ann.properties.insert(key) }
                } else if let additional = group.additional {
                    var sub = Annotations()
                    if nodes[additional].isFalse {
                        fail(node, "additionalProperties", at: .key(key), "additional property '\(key)' is not allowed")
                        valid = false
                    } else if !passesByTypeAlone(additional, value),
                        !descend(additional, value, "additionalProperties", nil, .key(key), &sub, false)
                    {
                        valid = false
                    }
                    if !valid && !collect { return false }
                }
            }
            if track && group.additional != nil { ann.allProperties = true }
            return valid
        case .required(let required):
            if required.allPresent(in: object) { return true }
            var valid = true
            for name in required.names where object[name] == nil {
                fail(node, "required", "required property '\(name)' is missing")
                valid = false
                if !collect { return false }
            }
            return valid
        case .propertyNames(let child):
            var valid = true
            for (key, _) in object {
                var sub = Annotations()
                if !descend(child, .string(key), "propertyNames", nil, .propertyName(key), &sub, false) {
                    valid = false
                    if !collect { return false }
                }
            }
            return valid
        case .dependentRequired(let name, let pairs):
            var valid = true
            for (trigger, names) in pairs where object[trigger] != nil {
                for required in names where object[required] == nil {
                    fail(node, name, extra: trigger, "property '\(required)' is required when '\(trigger)' is present")
                    valid = false
                    if !collect { return false }
                }
            }
            return valid
        case .dependentSchemas(let name, let pairs):
            var valid = true
            for (trigger, child) in pairs where object[trigger] != nil {
                if !descend(child, .object(object), name, trigger, nil, &ann, track) {
                    valid = false
                    if !collect { return false }
                }
            }
            return valid
        case .minProperties(let minimum):
            if object.count >= minimum { return true }
            fail(node, "minProperties", "the object has \(object.count) properties; at least \(minimum) required")
            return false
        case .maxProperties(let maximum):
            if object.count <= maximum { return true }
            fail(node, "maxProperties", "the object has \(object.count) properties; at most \(maximum) allowed")
            return false
        case .unevaluatedProperties(let child):
            var valid = true
            if !ann.allProperties {
                for (key, value) in object where !ann.properties.contains(key) {
                    var sub = Annotations()
                    if nodes[child].isFalse {
                        fail(
                            node, "unevaluatedProperties", at: .key(key), "unevaluated property '\(key)' is not allowed"
                        )
                        valid = false
                    } else if !descend(child, value, "unevaluatedProperties", nil, .key(key), &sub, false) {
                        valid = false
                    }
                    if !valid && !collect { return false }
                }
            }
            ann.allProperties = true
            return valid
        default:
            return true
        }
    }

    /// `properties` alone (no `patternProperties`, no `additionalProperties`, no annotations to collect), over the
    /// members read in place: the common case, without copying each key and value out of the object.
    @inline(__always)
    private func namedProperties(
        _ table: PropertyNameTable, _ node: UnsafePointer<SchemaNode>, _ object: JSONObject
    ) -> Bool {
        object.members.keys.elements.withUnsafeBufferPointer { keys in
            object.members.values.withUnsafeBufferPointer { values in
                var valid = true
                // The member step of the general loop above, written out again so that a key is copied out of the
                // object only when an evaluation or an error needs it (a shared helper measured 3-9% slower).
                for index in keys.indices {
                    guard let child = table.value(for: keys[index]) else { continue }
                    if nodes[child].isFalse {
                        let key = keys[index]
                        fail(node, "properties", extra: key, at: .key(key), "property '\(key)' is not allowed")
                        valid = false
                    } else if !passesByTypeAlone(child, values[index]) {
                        var sub = Annotations()
                        let key = keys[index]
                        if !descend(child, values[index], "properties", key, .key(key), &sub, false) { valid = false }
                    }
                    if !valid && !collect { return false }
                }
                return valid
            }
        }
    }

    // MARK: - Arrays

    private func arrayKeyword(
        _ keyword: Keyword, _ node: UnsafePointer<SchemaNode>, _ array: [JSONValue], _ ann: inout Annotations,
        _ track: Bool
    ) -> Bool {
        switch keyword {
        case .items(let group):
            var valid = true
            let prefixCount = min(group.prefix.count, array.count)
            for offset in 0..<prefixCount {
                var sub = Annotations()
                if !descend(
                    group.prefix[offset], array[offset], group.prefixKeyword, String(offset), .index(offset), &sub,
                    false)
                {
                    valid = false
                    if !collect { return false }
                }
            }
            if let rest = group.rest, array.count > group.prefix.count {
                if nodes[rest].isFalse {
                    fail(
                        node, group.restKeyword,
                        "the array has \(array.count) items; at most \(group.prefix.count) allowed")
                    return false
                }
                for offset in group.prefix.count..<array.count {
                    var sub = Annotations()
                    if !passesByTypeAlone(rest, array[offset]),
                        !descend(rest, array[offset], group.restKeyword, nil, .index(offset), &sub, false)
                    {
                        valid = false
                        if !collect { return false }
                    }
                }
            }
            if track {
                if group.rest != nil { ann.allItems = true } else { ann.itemPrefix = max(ann.itemPrefix, prefixCount) }
            }
            return valid
        case .contains(let child, let minimum, let maximum):
            var count = 0
            quietly {
                for (offset, element) in array.enumerated() {
                    var sub = Annotations()
                    if descend(child, element, "contains", nil, .index(offset), &sub, false) {
                        count += 1
                        if track { ann.items.insert(offset) } else if maximum == nil && count >= minimum { break }
                    }
                }
            }
            if count < minimum {
                fail(
                    node, minimum == 1 ? "contains" : "minContains",
                    "the array contains \(count) matching item\(count == 1 ? "" : "s"); at least \(minimum) required")
                return false
            }
            if let maximum, count > maximum {
                fail(node, "maxContains", "the array contains \(count) matching items; at most \(maximum) allowed")
                return false
            }
            return true
        case .minItems(let minimum):
            if array.count >= minimum { return true }
            fail(node, "minItems", "the array has \(array.count) items; at least \(minimum) required")
            return false
        case .maxItems(let maximum):
            if array.count <= maximum { return true }
            fail(node, "maxItems", "the array has \(array.count) items; at most \(maximum) allowed")
            return false
        case .uniqueItems:
            if let (first, second) = Self.firstDuplicate(array) {
                fail(node, "uniqueItems", "items \(first) and \(second) are equal; items must be unique")
                return false
            }
            return true
        case .unevaluatedItems(let child):
            var valid = true
            if !ann.allItems {
                for offset in ann.itemPrefix..<max(ann.itemPrefix, array.count) where !ann.items.contains(offset) {
                    var sub = Annotations()
                    if nodes[child].isFalse {
                        fail(node, "unevaluatedItems", at: .index(offset), "unevaluated item \(offset) is not allowed")
                        valid = false
                    } else if !descend(child, array[offset], "unevaluatedItems", nil, .index(offset), &sub, false) {
                        valid = false
                    }
                    if !valid && !collect { return false }
                }
            }
            ann.allItems = true
            return valid
        default:
            return true
        }
    }

    /// The first pair of semantically equal items, by index.
    static func firstDuplicate(_ array: [JSONValue]) -> (Int, Int)? {
        if array.count < 2 { return nil }
        if array.count <= 16 {
            for i in 0..<array.count {
                for j in (i + 1)..<array.count where SchemaEquality.equal(array[i], array[j]) { return (i, j) }
            }
            return nil
        }
        var buckets: [Int: [Int]] = [:]
        for (offset, element) in array.enumerated() {
            var hasher = Hasher()
            semanticHash(element, into: &hasher)
            let hash = hasher.finalize()
            if let candidates = buckets[hash] {
                for candidate in candidates where SchemaEquality.equal(array[candidate], element) {
                    return (candidate, offset)
                }
            }
            buckets[hash, default: []].append(offset)
        }
        return nil
    }

    /// A hash consistent with `isSemanticallyEqual` (equal values hash alike).
    static func semanticHash(_ value: JSONValue, into hasher: inout Hasher) {
        switch value {
        case .null: hasher.combine(0)
        case .bool(let flag):
            hasher.combine(1)
            hasher.combine(flag)
        case .number(let number):
            hasher.combine(2)
            if let decimal = JSONNumberComparison.decimal(number.literal) {
                hasher.combine(decimal.negative)
                hasher.combine(decimal.digits)
                hasher.combine(decimal.exponent)
            } else {
                hasher.combine(number.doubleValue)
            }
        case .string, .rawString:
            hasher.combine(3)
            hasher.combine(value.stringValue)
        case .array(let elements):
            hasher.combine(4)
            hasher.combine(elements.count)
            for element in elements { semanticHash(element, into: &hasher) }
        case .object(let object):
            hasher.combine(5)
            hasher.combine(object.count)
            var combined = 0
            for (key, member) in object {
                var sub = Hasher()
                sub.combine(key)
                semanticHash(member, into: &sub)
                combined ^= sub.finalize()
            }
            hasher.combine(combined)
        }
    }

    // MARK: - Strings and numbers

    private func stringKeyword(_ keyword: Keyword, _ node: UnsafePointer<SchemaNode>, _ string: String) -> Bool {
        switch keyword {
        case .minLength(let minimum):
            let bytes = string.utf8.count
            // Every scalar takes one to four UTF-8 bytes, so the byte count brackets the scalar count.
            if bytes / 4 >= minimum { return true }  // not `minimum * 4`: minLength may be Int.max (fuzz finding)
            let length = bytes < minimum ? bytes : string.unicodeScalarCount
            if length >= minimum { return true }
            fail(
                node, "minLength",
                "the string has \(string.unicodeScalarCount) characters; at least \(minimum) required")
            return false
        case .maxLength(let maximum):
            if string.utf8.count <= maximum { return true }
            let length = string.unicodeScalarCount
            if length <= maximum { return true }
            fail(node, "maxLength", "the string has \(length) characters; at most \(maximum) allowed")
            return false
        case .pattern(let regex):
            guard let found = regex.search(string) else {
                fail(node, "pattern", Self.regexBudgetMessage(regex, "the string"))
                return false
            }
            if found { return true }
            fail(node, "pattern", "the string does not match the pattern /\(regex.source)/")
            return false
        case .content(let encoding, let mediaType):
            var bytes = Array(string.utf8)
            if encoding == "base64" {
                guard let decoded = Data(base64Encoded: string) else {
                    fail(node, "contentEncoding", "the string is not valid base64")
                    return false
                }
                bytes = Array(decoded)
            }
            if mediaType == "application/json", (try? JSONParser.parse(bytes)) == nil {
                fail(node, "contentMediaType", "the content is not a JSON document")
                return false
            }
            return true
        case .format(let name, let check):
            if check(string) { return true }
            fail(node, "format", "the string is not a valid \(name)")
            return false
        default:
            return true
        }
    }

    private func numberKeyword(_ keyword: Keyword, _ node: UnsafePointer<SchemaNode>, _ number: JSONNumber) -> Bool {
        switch keyword {
        case .bound(let kind, let bound):
            let order = NumberSupport.compare(number, bound)
            let ok: Bool
            let relation: String
            switch kind {
            case .minimum: (ok, relation) = (order >= 0, "at least")
            case .maximum: (ok, relation) = (order <= 0, "at most")
            case .exclusiveMinimum: (ok, relation) = (order > 0, "greater than")
            case .exclusiveMaximum: (ok, relation) = (order < 0, "less than")
            }
            if ok { return true }
            fail(node, kind.rawValue, "\(number.literal) is not \(relation) \(bound.number.literal)")
            return false
        case .multipleOf(let divisor):
            if NumberSupport.isMultiple(number, of: divisor) { return true }
            fail(node, "multipleOf", "\(number.literal) is not a multiple of \(divisor.number.literal)")
            return false
        default:
            return true
        }
    }
}
