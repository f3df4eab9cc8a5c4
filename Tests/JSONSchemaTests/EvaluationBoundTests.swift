import CardKitJSON
import Testing

@testable import JSONSchema

/// The work bounds of issue 18: `$ref` results memoized, a step budget, a cap on reported errors, and
/// linear-time matching of `pattern`.
@Suite struct EvaluationBoundTests {
    /// A generous hang bound: each of these ran for 30 s or more (or exhausted memory) before the fix.
    static let hangBound = Duration.seconds(20)

    /// A schema of `levels` definitions, each an `applicator` of two `$ref`s to the next.
    ///
    /// The last is `{"type": "integer"}`; the root refers to the first. Without memoization the leaf is evaluated
    /// 2^levels times.
    static func referenceBomb(levels: Int, applicator: String) -> JSONValue {
        var definitions = JSONObject()
        for level in 0..<levels {
            let next: JSONValue = ["$ref": .string("#/$defs/d\(level + 1)")]
            definitions["d\(level)"] = .object([applicator: [next, next]])
        }
        definitions["d\(levels)"] = ["type": "integer"]
        return ["$defs": .object(definitions), "$ref": "#/$defs/d0"]
    }

    /// The keyword location of the leaf's `type` reached through the first branch at every level.
    static func firstLeafLocation(levels: Int, applicator: String) -> String {
        "/$ref" + String(repeating: "/\(applicator)/0/$ref", count: levels) + "/type"
    }

    private func timed<T>(_ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock()
        var result: T?
        let elapsed = try clock.measure { result = try body() }
        #expect(elapsed < Self.hangBound, "took \(elapsed)")
        return result!
    }

    // MARK: - Memoized references

    @Test(arguments: ["anyOf", "allOf"])
    func nestedReferenceBombIsSmallAndValidatesAValidInstance(_ applicator: String) throws {
        let schema = Self.referenceBomb(levels: 22, applicator: applicator)
        #expect(JSONWriter.bytes(schema).count < 1_700)
        let compiled = try JSONSchemaCompiler().compile(schema)
        timed {
            #expect(compiled.isValid(7))
            #expect(compiled.validate(7) == ValidationResult(isValid: true, errors: [], format: .basic))
        }
    }

    @Test(arguments: ["anyOf", "allOf"])
    func nestedReferenceBombRefusesAnInvalidInstanceWithCappedErrors(_ applicator: String) throws {
        let compiled = try JSONSchemaCompiler().compile(Self.referenceBomb(levels: 22, applicator: applicator))
        let result = timed { () -> ValidationResult in
            #expect(!compiled.isValid("x"))
            return compiled.validate("x")
        }
        #expect(!result.isValid)
        // 2^22 paths reach the failing leaf: the first 1,000 violations are listed, then one saying so.
        #expect(result.errors.count == 1_001)
        let first = try #require(result.errors.first)
        #expect(first.keywordLocation.description == Self.firstLeafLocation(levels: 22, applicator: applicator))
        #expect(first.absoluteKeywordLocation == "cardkit:/schema.json#/$defs/d22/type")
        #expect(first.instanceLocation.description == "")
        #expect(first.message == "expected integer, found string")
        // The second is the same leaf through the second branch of the last level (a replayed memo entry).
        let second = result.errors[1]
        #expect(
            second.keywordLocation.description
                == "/$ref" + String(repeating: "/\(applicator)/0/$ref", count: 21) + "/\(applicator)/1/$ref/type")
        #expect(second.absoluteKeywordLocation == first.absoluteKeywordLocation)
        #expect(result.errors.last?.message == "only the first 1000 errors are reported; later ones were left out")
    }

    @Test func smallBombReportsEveryErrorLikeAnUnmemoizedEvaluation() throws {
        // Three levels of allOf: the leaf fails along all 2^3 = 8 paths, every one listed, in evaluation order.
        let compiled = try JSONSchemaCompiler().compile(Self.referenceBomb(levels: 3, applicator: "allOf"))
        let result = compiled.validate("x")
        #expect(!result.isValid)
        let paths = result.errors.map(\.keywordLocation.description)
        var expected: [String] = []
        for a in 0..<2 {
            for b in 0..<2 {
                for c in 0..<2 { expected.append("/$ref/allOf/\(a)/$ref/allOf/\(b)/$ref/allOf/\(c)/$ref/type") }
            }
        }
        #expect(paths == expected)
        #expect(Set(result.errors.map(\.absoluteKeywordLocation)) == ["cardkit:/schema.json#/$defs/d3/type"])
    }

    @Test func memoizedReferencesTellAPropertyNameFromItsValue() throws {
        // `propertyNames` and `properties` apply the same `$ref` at the same instance location to different values.
        let compiled = try JSONSchemaCompiler().compile([
            "$defs": ["s": ["type": "string", "minLength": 2]],
            "propertyNames": ["$ref": "#/$defs/s"],
            "properties": ["ab": ["$ref": "#/$defs/s"]],
        ])
        #expect(!compiled.isValid(["ab": 5]))
        #expect(compiled.validate(["ab": 5]).errors.map(\.keywordLocation.description) == ["/properties/ab/$ref/type"])
        #expect(compiled.isValid(["ab": "cd"]))
        #expect(!compiled.isValid(["ab": "c"]))
    }

    // MARK: - Step budget

    @Test func stepBudgetNamesTheSchemaAndInstanceLocations() throws {
        var options = JSONSchemaOptions()
        options.maxEvaluationSteps = 2
        let compiled = try JSONSchemaCompiler(options: options).compile([
            "properties": ["a": ["properties": ["b": ["type": "integer"]]]]
        ])
        let message =
            "evaluation step budget exceeded: more than 2 subschema evaluations "
            + "(JSONSchemaOptions.maxEvaluationSteps); the instance was not fully validated"
        #expect(
            compiled.validate(["a": ["b": 1]])
                == ValidationResult(
                    isValid: false,
                    errors: [
                        SchemaViolation(
                            instanceLocation: "/a/b", keywordLocation: "/properties/a/properties/b",
                            absoluteKeywordLocation: "cardkit:/schema.json#/properties/a/properties/b",
                            message: message)
                    ], format: .basic))
        #expect(!compiled.isValid(["a": ["b": 1]]))
        #expect(compiled.isValid(["a": 1]))
    }

    /// A member whose subschema is only a `type` is checked in place (`passesByTypeAlone`), yet it counts its step
    /// and meets each limit exactly where a full evaluation of that subschema would.
    struct LeafBound: Sendable, CustomTestStringConvertible {
        var limit: any WritableKeyPath<JSONSchemaOptions, Int> & Sendable
        var name: String
        var value: Int
        /// The message of every violation expected, or `nil` when the instance is valid at this limit.
        var message: String?
        /// Where the violations are, in order.
        var instanceLocations = ["/a/c"]
        var testDescription: String { "\(name) = \(value)" }
    }

    static let leafBounds: [LeafBound] = [
        // Root, a, then b and c, both type-only: four evaluations.
        LeafBound(limit: \.maxEvaluationSteps, name: "maxEvaluationSteps", value: 4),
        LeafBound(
            limit: \.maxEvaluationSteps, name: "maxEvaluationSteps", value: 3,
            message: "evaluation step budget exceeded: more than 3 subschema evaluations "
                + "(JSONSchemaOptions.maxEvaluationSteps); the instance was not fully validated"),
        // The leaves are the third subschema deep and the second instance level.
        LeafBound(limit: \.maxEvaluationDepth, name: "maxEvaluationDepth", value: 3),
        LeafBound(
            limit: \.maxEvaluationDepth, name: "maxEvaluationDepth", value: 2,
            message: "evaluation is nested deeper than 2 subschemas (a $ref cycle?)",
            instanceLocations: ["/a/b", "/a/c"]),
        LeafBound(limit: \.maxInstanceDepth, name: "maxInstanceDepth", value: 2),
        LeafBound(
            limit: \.maxInstanceDepth, name: "maxInstanceDepth", value: 1,
            message: "the instance is nested deeper than 1 levels", instanceLocations: ["/a/b", "/a/c"]),
    ]

    @Test(arguments: leafBounds)
    func typeOnlyLeavesMeetEveryLimitWhereAFullEvaluationDoes(bound: LeafBound) throws {
        var options = JSONSchemaOptions()
        options[keyPath: bound.limit] = bound.value
        let compiled = try JSONSchemaCompiler(options: options).compile([
            "properties": ["a": ["properties": ["b": ["type": "integer"], "c": ["type": "string"]]]]
        ])
        let instance: JSONValue = ["a": ["b": 1, "c": "x"]]
        let result = compiled.validate(instance, format: .basic)
        #expect(compiled.isValid(instance) == (bound.message == nil))
        #expect(result.isValid == (bound.message == nil))
        guard let message = bound.message else { return }
        #expect(result.errors.map(\.instanceLocation.description) == bound.instanceLocations)
        #expect(result.errors.allSatisfy { $0.message == message })
        #expect(
            result.errors.map(\.keywordLocation.description)
                == bound.instanceLocations.map { "/properties/a/properties/" + $0.dropFirst(3) })
    }

    /// Type-only leaves reached through `$ref`s.
    ///
    /// `b` reaches its `type` through two references, `c` through one. Evaluated without memoizing (memoized
    /// references take the ordinary path), in this order: root, a, b, r, t, c, s.
    static let referenceLeaves: JSONValue = [
        "$defs": ["t": ["type": "integer"], "s": ["type": "string"], "r": ["$ref": "#/$defs/t"]],
        "properties": ["a": ["properties": ["b": ["$ref": "#/$defs/r"], "c": ["$ref": "#/$defs/s"]]]],
    ]

    /// The step budget, and where the first evaluation past it is (nil: none, the instance is valid).
    @Test(arguments: [(4, "/a/b"), (5, "/a/c"), (6, "/a/c"), (7, nil)] as [(Int, String?)])
    func typeOnlyLeavesThroughReferencesCountEveryStep(stepLimit: Int, exceededAt: String?) throws {
        let compiled = try JSONSchemaCompiler().compile(Self.referenceLeaves)
        let instance: JSONValue = ["a": ["b": 1, "c": "x"]]
        for collect in [false, true] {
            let evaluator = Evaluator(program: compiled.program, collect: collect, memoize: false, stepLimit: stepLimit)
            #expect(evaluator.run(instance) == (exceededAt == nil))
            #expect(evaluator.ranOutOfSteps == (exceededAt != nil))
            if collect, let exceededAt {
                #expect(evaluator.errors.map(\.instanceLocation.description) == [exceededAt])
            }
        }
    }

    /// The evaluation depth limit, and the members whose chain goes past it.
    @Test(arguments: [(3, ["/a/b", "/a/c"]), (4, ["/a/b"]), (5, [])] as [(Int, [String])])
    func typeOnlyLeavesThroughReferencesMeetTheDepthLimit(maxDepth: Int, tooDeep: [String]) throws {
        var options = JSONSchemaOptions()
        options.maxEvaluationDepth = maxDepth
        let compiled = try JSONSchemaCompiler(options: options).compile(Self.referenceLeaves)
        let instance: JSONValue = ["a": ["b": 1, "c": "x"]]
        let quiet = Evaluator(program: compiled.program, collect: false, memoize: false)
        #expect(quiet.run(instance) == tooDeep.isEmpty)
        let collecting = Evaluator(program: compiled.program, collect: true, memoize: false)
        #expect(collecting.run(instance) == tooDeep.isEmpty)
        #expect(collecting.errors.map(\.instanceLocation.description) == tooDeep)
        #expect(
            collecting.errors.allSatisfy {
                $0.message == "evaluation is nested deeper than \(maxDepth) subschemas (a $ref cycle?)"
            })
    }

    @Test func valueCountCountsEveryValueUpToItsLimit() {
        let value: JSONValue = ["a": [1, 2, ["b": nil]], "c": "x"]
        #expect(value.valueCount(atMost: 100) == 7)
        #expect(value.valueCount(atMost: 3) == 3)
        #expect(JSONValue.null.valueCount(atMost: 1) == 1)
    }

    /// A large instance past the first budget is evaluated again within a budget of its size, not memoized.
    ///
    /// 60,000 items, each checked through a `$ref`, take about 120,000 steps. The result is the one every evaluation
    /// gives.
    @Test func aLargeInstancePastTheFirstBudgetGetsABudgetOfItsSize() throws {
        let compiled = try JSONSchemaCompiler().compile([
            "$defs": ["n": ["type": "integer"]], "type": "array", "items": ["$ref": "#/$defs/n"],
        ])
        var items = (0..<60_000).map { JSONValue.number(JSONNumber($0)) }
        let (evaluator, valid) = compiled.evaluate(.array(items)) { $0.run(.array(items)) }
        #expect(valid)
        #expect(!evaluator.memoizes, "a budget of the instance's size, not the memoizing evaluation")
        // References that multiply on a small instance still end up memoized.
        let bomb = try JSONSchemaCompiler().compile(Self.referenceBomb(levels: 22, applicator: "allOf"))
        #expect(bomb.evaluate(1) { $0.run(1) }.evaluator.memoizes)
        #expect(compiled.isValid(.array(items)))
        #expect(compiled.validate(.array(items)).isValid)
        items[59_999] = "x"
        #expect(!compiled.isValid(.array(items)))
        let result = compiled.validate(.array(items))
        #expect(result.errors.map(\.instanceLocation.description) == ["/59999"])
        #expect(result.errors.map(\.keywordLocation.description) == ["/items/$ref/type"])
    }

    @Test func stepBudgetEndsABombThatAnnotationsKeepFromBeingMemoized() throws {
        // `unevaluatedProperties` at the root needs the annotations of every path, so the references are followed
        // without memoization: the budget ends the evaluation with one violation.
        guard case .object(var schema) = Self.referenceBomb(levels: 22, applicator: "allOf") else { return }
        schema["unevaluatedProperties"] = false
        var options = JSONSchemaOptions()
        options.maxEvaluationSteps = 100_000
        let compiled = try JSONSchemaCompiler(options: options).compile(.object(schema))
        let result = timed { compiled.validate(7) }
        #expect(!result.isValid)
        #expect(result.errors.count == 1)
        let violation = try #require(result.errors.first)
        #expect(violation.message.hasPrefix("evaluation step budget exceeded: more than 100000 subschema evaluations"))
        #expect(violation.absoluteKeywordLocation.hasPrefix("cardkit:/schema.json#/$defs/d"))
        #expect(violation.keywordLocation.tokens.first == "$ref")
        #expect(!compiled.isValid(7))
    }

    // MARK: - Linear-time patterns

    @Test func catastrophicPatternIsMatchedInLinearTime() throws {
        let compiled = try JSONSchemaCompiler().compile(["pattern": "^(a+)+$"])
        let almost = String(repeating: "a", count: 20) + "!"
        timed {
            #expect(!compiled.isValid(.string(almost)))
            #expect(!compiled.isValid(.string(String(repeating: "a", count: 5_000) + "!")))
            #expect(compiled.isValid(.string(String(repeating: "a", count: 20))))
        }
        let result = compiled.validate(.string(almost))
        #expect(result.errors.map(\.message) == ["the string does not match the pattern /^(a+)+$/"])
        #expect(result.errors.map(\.absoluteKeywordLocation) == ["cardkit:/schema.json#/pattern"])
        #expect(try ECMARegex("^(a+)+$").isLinear)
    }

    @Test func catastrophicPatternPropertyIsMatchedInLinearTime() throws {
        let compiled = try JSONSchemaCompiler().compile(["patternProperties": ["^(a|aa)+$": false]])
        let almost = String(repeating: "a", count: 40) + "!"
        timed {
            #expect(compiled.isValid(.object([almost: 1])))
            #expect(!compiled.isValid(.object([String(repeating: "a", count: 40): 1])))
        }
    }

    @Test func backReferencesAndLookAheadUseTheBoundedBacktrackingMode() throws {
        for pattern in [#"^(a)\1$"#, "^(?=a)a$", "^(?!b).$", #"^(?<x>a)\k<x>$"#] {
            let regex = try ECMARegex(pattern)
            #expect(!regex.isLinear && regex.isBounded, "\(pattern)")
        }
        #expect(try ECMARegex(#"^(a)\1$"#).search("aa") == true)
        #expect(try ECMARegex(#"^(a)\1$"#).search("ab") == false)
        #expect(try ECMARegex("^(?=a)a$").search("a") == true)
        #expect(try ECMARegex(#"^(?<x>a)\k<x>$"#).search("aa") == true)
    }

    /// Where Swift `Regex` departs from ECMA-262, the engine follows ECMA-262.
    @Test func patternEngineFollowsECMA262WhereSwiftRegexDoesNot() throws {
        // A back-reference to a group that did not take part matches the empty string.
        #expect(try #require(PatternEngine(backtracking: #"^(?:(a)|b)\1$"#)).search("b") == true)
        // Digits are word characters for \b.
        #expect(try #require(PatternEngine(#"\b12\b"#)).search("12") == true)
        #expect(try #require(PatternEngine(backtracking: #"\b(?!foo\b)\w+"#)).search("12") == true)
    }

    /// Braces that are not a quantifier are literals, in both modes.
    ///
    /// A fuzz finding: a `}` (or a `{` that is no quantifier) sent the pattern to Swift `Regex`, which backtracks
    /// without a bound: `^(?=a)(a+)+}…$` ran for minutes.
    @Test func bracesThatAreNotAQuantifierAreLiteralsInBothModes() throws {
        for pattern in ["^a}$", "^x{y$", "^a{,2}$", "^(?=a)a}$"] {
            #expect(try ECMARegex(pattern).isBounded, "\(pattern)")
        }
        #expect(try #require(PatternEngine("^a}$")).search("a}") == true)
        #expect(try #require(PatternEngine("^x{y$")).search("x{y") == true)
        #expect(try #require(PatternEngine("^a{,2}$")).search("a{,2}") == true)
        #expect(try #require(PatternEngine("^a{,2}$")).search("aa") == false)
        #expect(try #require(PatternEngine("^a{2}$")).search("aa") == true)
        #expect(try #require(PatternEngine(backtracking: "^(?=a)a}$")).search("a}") == true)
        let pattern = "^(?=a)(a+)+}}}}$"
        let engine = try #require(PatternEngine(backtracking: pattern))
        #expect(timed { engine.search(String(repeating: "a", count: 30) + "!") } == nil)
        #expect(engine.search("aaa}}}}") == true)
    }

    @Test func patternsLeftToSwiftRegexStillMatch() throws {
        for pattern in [#"^\p{Lu}$"#, "^a{2000}$"] {
            #expect(try !ECMARegex(pattern).isBounded, "\(pattern)")
        }
        #expect(try ECMARegex(#"^\p{Lu}$"#).search("É") == true)
        #expect(try ECMARegex(#"^\p{Lu}$"#).search("é") == false)
    }

    @Test func backtrackingPatternReportsTheStepBudgetAtItsLocation() throws {
        // The look-ahead needs the backtracking mode, where (a+)+ takes 2^30 steps on this string.
        let pattern = "^(?=a)(a+)+$"
        let almost = String(repeating: "a", count: 30) + "!"
        let compiled = try JSONSchemaCompiler().compile(["properties": ["name": ["pattern": .string(pattern)]]])
        let result = timed { compiled.validate(["name": .string(almost)]) }
        let message =
            "regex step budget exceeded: matching /^(?=a)(a+)+$/ against the string took more than "
            + "1,000,000 + 100 per character backtracking steps; the value is treated as not matching"
        #expect(
            result
                == ValidationResult(
                    isValid: false,
                    errors: [
                        SchemaViolation(
                            instanceLocation: "/name", keywordLocation: "/properties/name/pattern",
                            absoluteKeywordLocation: "cardkit:/schema.json#/properties/name/pattern", message: message)
                    ], format: .basic))
        #expect(compiled.isValid(["name": .string(String(repeating: "a", count: 30))]))
        let engine = try #require(PatternEngine(backtracking: pattern))
        #expect(engine.search(almost) == nil)
    }

    @Test func backtrackingPatternPropertyReportsTheStepBudgetAtItsLocation() throws {
        let pattern = "^(?=a)(a+)+$"
        let almost = String(repeating: "a", count: 30) + "!"
        let compiled = try JSONSchemaCompiler().compile([
            "patternProperties": [pattern: true], "additionalProperties": false,
        ])
        let result = timed { compiled.validate(.object([almost: 1])) }
        #expect(!result.isValid)
        #expect(result.errors.map(\.keywordLocation.description) == ["/patternProperties/^(?=a)(a+)+$"])
        #expect(result.errors.map(\.instanceLocation.description) == ["/" + almost])
        #expect(
            result.errors.first?.message
                == "regex step budget exceeded: matching /^(?=a)(a+)+$/ against the property name '\(almost)' took "
                + "more than 1,000,000 + 100 per character backtracking steps; the value is treated as not matching")
    }

    /// Both modes of the engine and the Swift `Regex` translation agree on every pattern and string here.
    @Test func patternEngineAgreesWithTheSwiftRegexTranslation() throws {
        let patterns = [
            "^(a+)+$", "a|b|", "^$", "^", "$", "x*", "^a*?b+?c??$", "^[a-c]{2,3}$", "^a{2}$", "^a{2,}$", "(ab|a)(bc|c)",
            #"^\d+(\.\d+)?$"#, #"\w+@\w+"#, #"^\s*$"#, #"\bfoo\b"#, #"\Bo"#, "^.$", "[^a-z]", "[-a]", "[a-]",
            #"[\d\s]"#, #"^[^\d]+$"#, "[]", "[^]", #"\u00e9"#, #"\x41"#, #"\u{1F600}"#, #"\uD83D\uDE00"#, #"\cJ"#,
            #"^\0$"#, #"\t\n\v\f\r"#, #"[\b]"#, "(?:ab)+$", "(?<name>x)y", "^(|a)+$", "((a*)*b)", #"^\/\.\*$"#,
            "^[a-zA-Z0-9_-]{1,64}$", "^(\\([0-9]{3}\\))?[0-9]{3}-[0-9]{4}$", "^(?:[a-z]+-)*[a-z]+$", "é+", "^[é-ê]$",
            "^(a*)*$", "^(a|ab)(c|bcd)(d*)$",
        ]
        let strings = [
            "", "a", "aa", "aaa", "aaaa", "b", "ab", "abc", "abbc", "aac", "x", "12", "1.5", "1.", "a@b", " \t",
            "foo", "a foo b", "foobar", "o", "-", "é", "ê", "A", "😀", "\n", "\0", "\t\n\u{B}\u{C}\r", "\u{8}",
            "(888)555-1212", "555-1212", "ab-cd", "/.*", "éé", "Z9", "a\n", "xy", "aab", "abcd", "abab", "aabaa",
            "bab", "ba", "foo bar", "aaab", "aaba",
        ]
        let backtrackingOnly = [
            #"^(a)\1$"#, #"(a+)b\1"#, #"^(?:(a)|c)\1$"#, #"^(?<x>[ab])\k<x>+$"#, "^(?=.*b)a+b$", "^(?!a).+",
            #"(?=(a+))a*b\1"#, #"\b(?!foo\b)[a-z]+"#, #"(\w)\1"#, #"^(?!.*(.).*\1)[a-z]+$"#,
        ]
        for pattern in patterns + backtrackingOnly {
            let linear = PatternEngine(pattern)
            #expect((linear == nil) == backtrackingOnly.contains(pattern), "/\(pattern)/ linear: \(linear != nil)")
            let backtracking = try #require(PatternEngine(backtracking: pattern), "/\(pattern)/ not compiled")
            let swift = try Regex(ECMARegex.translate(pattern))
                .matchingSemantics(.unicodeScalar)
                .wordBoundaryKind(.simple)
                .asciiOnlyWordCharacters()
                .asciiOnlyDigits()
            for string in strings {
                let expected = string.firstMatch(of: swift) != nil
                if let linear {
                    #expect(linear.search(string) == expected, "linear /\(pattern)/ on \(string.debugDescription)")
                }
                #expect(
                    backtracking.search(string) == expected, "backtracking /\(pattern)/ on \(string.debugDescription)")
            }
        }
    }
}
