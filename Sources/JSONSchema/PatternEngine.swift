/// CardKit's own matcher for ECMA-262 patterns, bounded in work whatever the pattern and the string (internal).
///
/// Swift `Regex` backtracks without a bound, so a pattern such as `^(a+)+$` takes time exponential in the length of
/// a string that almost matches. `pattern` and `patternProperties` only ask whether a pattern matches, never for
/// captures, so patterns are compiled here in one of two modes:
///
/// - **linear** (``init(_:)``), for every pattern without back-references or look-ahead: a Thompson NFA run as a set
///   of states over the string's Unicode scalars, at most ``maxInstructions`` states per scalar;
/// - **backtracking** (``init(backtracking:)``), for patterns with back-references or look-ahead, which no automaton
///   can match: a backtracking machine that gives up after ``stepBudget(for:)`` steps, reported as
///   "regex step budget exceeded" (``search(_:)`` returns `nil`).
///
/// The meanings are those ``ECMARegex`` gives its translation to Swift `Regex` (`\d`, `\w`, `\s`, `.`, `$`,
/// `\b` as ECMA-262 defines them, on scalars). Both initializers return `nil` for what neither mode implements, and
/// the caller keeps using Swift `Regex`: `\p{…}`, modifier groups, quantified
/// assertions and counted repetitions above ``maxRepetition``.
struct PatternEngine: Sendable {
    /// The most NFA states a pattern may compile to, counted repetitions expanded.
    ///
    /// Larger patterns are left to Swift `Regex`. It bounds the work per scalar of the string.
    static let maxInstructions = 20_000
    /// The largest bound of a counted repetition (`{n,m}`) compiled here.
    static let maxRepetition = 1_000
    /// The backtracking steps one search may take before it gives up: 1,000,000 plus 100 per scalar of the string.
    ///
    /// Enough for any pattern that backtracks a bounded amount per scalar; far below what an exponential one needs.
    static func stepBudget(for scalarCount: Int) -> Int { 1_000_000 + 100 * scalarCount }

    /// One NFA state.
    enum Instruction: Sendable {
        /// Consumes one scalar in the set.
        case scalar(ScalarSet)
        /// Continues at both targets.
        case split(Int, Int)
        /// Continues at the target.
        case jump(Int)
        /// `^`: only at the start of the string.
        case begin
        /// `$`: only at the end of the string.
        case end
        /// `\b` (`true`) or `\B` (`false`), with ECMA-262's ASCII word characters.
        case wordBoundary(Bool)
        /// The pattern matched.
        case match
        /// Backtracking only: records the position in a capture or loop slot.
        case save(Int)
        /// Backtracking only: matches the text of a capture group again (empty when the group did not take part).
        case backreference(Int)
        /// Backtracking only: a look-ahead whose body follows, ended by ``succeed``; evaluation continues at `end`.
        case lookahead(negated: Bool, end: Int)
        /// Backtracking only: the end of a look-ahead body.
        case succeed
        /// Backtracking only: fails an iteration of a `*` loop that consumed nothing (ECMA-262's empty check).
        case progress(Int)
    }

    /// A set of scalar values as sorted-or-not closed ranges, possibly negated.
    struct ScalarSet: Sendable {
        var ranges: [ClosedRange<UInt32>]
        var negated: Bool

        func contains(_ value: UInt32) -> Bool {
            var found = false
            for range in ranges where range.contains(value) {
                found = true
                break
            }
            return found != negated
        }

        static func single(_ value: UInt32) -> ScalarSet { ScalarSet(ranges: [value...value], negated: false) }
        static let digits: [ClosedRange<UInt32>] = [0x30...0x39]
        static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
        static let space: [ClosedRange<UInt32>] = [
            0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029,
            0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
        ]
        static let lineTerminators: [ClosedRange<UInt32>] = [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029]
    }

    private indirect enum Node {
        case set(ScalarSet)
        case assertion(Instruction)
        case sequence([Node])
        case alternation([Node])
        case repetition(Node, minimum: Int, maximum: Int?)
        case group(Node, index: Int)
        case backreference(Int)
        case namedBackreference(String)
        case lookahead(Node, negated: Bool)
    }

    /// Thrown inside the parser for a pattern this engine leaves to Swift `Regex`.
    private struct Unsupported: Error {}

    let instructions: [Instruction]
    /// Whether this is the backtracking mode (bounded by ``stepBudget(for:)``) rather than the linear one.
    let isBacktracking: Bool
    /// Capture slots (two per group, group 0 unused) followed by one slot per `*` loop; backtracking only.
    private let slotCount: Int
    /// Whether every match must start at the beginning of the string (the program starts with `^`).
    private let anchored: Bool

    /// Compiles `pattern` in linear mode, or returns `nil` when it needs backtracking or is not implemented.
    ///
    /// The pattern has already been accepted by ``ECMARegex``'s translation.
    init?(_ pattern: String) { self.init(pattern, backtracking: false) }

    /// Compiles `pattern` in backtracking mode, or returns `nil` when it uses a construct this engine does not
    /// implement.
    init?(backtracking pattern: String) { self.init(pattern, backtracking: true) }

    private init?(_ pattern: String, backtracking: Bool) {
        var parser = Parser(scalars: Array(pattern.unicodeScalars))
        do {
            let node = try parser.alternation()
            guard parser.position == parser.scalars.count else { return nil }
            var compiler = Compiler(
                backtracking: backtracking, groupNames: parser.groupNames, groupCount: parser.groupCount)
            try compiler.emit(node)
            _ = try compiler.append(.match)
            instructions = compiler.instructions
            slotCount = compiler.slotCount
        } catch {
            return nil
        }
        isBacktracking = backtracking
        if case .begin = instructions[0] { anchored = true } else { anchored = false }
    }

    /// Whether the pattern matches anywhere in `string` (unanchored, like ``ECMARegex/search(_:)``); `nil` when the
    /// backtracking mode ran out of ``stepBudget(for:)``.
    func search(_ string: String) -> Bool? {
        let scalars = Array(string.unicodeScalars.lazy.map(\.value))
        return isBacktracking ? backtrack(scalars) : simulate(scalars)
    }

    private static func isWord(_ scalars: [UInt32], _ position: Int) -> Bool {
        guard position >= 0, position < scalars.count else { return false }
        let value = scalars[position]
        return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || value == 0x5F
            || (0x61...0x7A).contains(value)
    }

    /// The linear mode: every live NFA state advanced together, one scalar at a time.
    private func simulate(_ scalars: [UInt32]) -> Bool {
        var marks = [Int](repeating: -1, count: instructions.count)
        var current: [Int] = []
        var next: [Int] = []
        var stack: [Int] = []
        current.reserveCapacity(instructions.count)
        next.reserveCapacity(instructions.count)

        /// Adds the state `start` and every state reachable from it without consuming a scalar; `true` on a match.
        func add(_ start: Int, at position: Int, to list: inout [Int]) -> Bool {
            stack.append(start)
            while let state = stack.popLast() {
                if marks[state] == position { continue }
                marks[state] = position
                switch instructions[state] {
                case .scalar: list.append(state)
                case .split(let first, let second):
                    stack.append(second)
                    stack.append(first)
                case .jump(let target): stack.append(target)
                case .begin: if position == 0 { stack.append(state + 1) }
                case .end: if position == scalars.count { stack.append(state + 1) }
                case .wordBoundary(let wanted):
                    if (Self.isWord(scalars, position - 1) != Self.isWord(scalars, position)) == wanted {
                        stack.append(state + 1)
                    }
                case .match:
                    stack.removeAll()
                    return true
                case .save, .backreference, .lookahead, .succeed, .progress:
                    preconditionFailure("a backtracking instruction in a linear program")
                }
            }
            return false
        }

        for position in 0...scalars.count {
            if position == 0 || !anchored {
                if add(0, at: position, to: &current) { return true }
            } else if current.isEmpty {
                return false
            }
            if position == scalars.count { break }
            let value = scalars[position]
            for state in current {
                if case .scalar(let set) = instructions[state], set.contains(value) {
                    if add(state + 1, at: position + 1, to: &next) { return true }
                }
            }
            swap(&current, &next)
            next.removeAll(keepingCapacity: true)
        }
        return false
    }

    /// The backtracking mode: one attempt per start position, sharing one step budget.
    private func backtrack(_ scalars: [UInt32]) -> Bool? {
        var steps = Self.stepBudget(for: scalars.count)
        var slots = [Int](repeating: -1, count: slotCount)
        for start in 0...scalars.count {
            for index in slots.indices { slots[index] = -1 }
            guard let matched = run(from: 0, at: start, scalars, &slots, &steps) else { return nil }
            if matched { return true }
            if anchored { break }
        }
        return false
    }

    private enum Undo {
        case branch(state: Int, position: Int)
        case restore(slot: Int, value: Int)
    }

    /// Runs from `state` at `position` until a match, the failure of every alternative or the end of `steps`.
    ///
    /// - Returns: `true` on ``Instruction/match`` or ``Instruction/succeed`` (then `slots` hold that match's captures),
    ///   `false` when every alternative failed, `nil` when `steps` ran out.
    private func run(
        from state: Int, at position: Int, _ scalars: [UInt32], _ slots: inout [Int], _ steps: inout Int
    ) -> Bool? {
        var undo: [Undo] = []
        var state = state
        var position = position
        while true {
            steps -= 1
            if steps < 0 { return nil }
            var advanced = true
            switch instructions[state] {
            case .scalar(let set):
                if position < scalars.count, set.contains(scalars[position]) {
                    state += 1
                    position += 1
                } else {
                    advanced = false
                }
            case .split(let first, let second):
                undo.append(.branch(state: second, position: position))
                state = first
            case .jump(let target): state = target
            case .begin:
                if position == 0 { state += 1 } else { advanced = false }
            case .end:
                if position == scalars.count { state += 1 } else { advanced = false }
            case .wordBoundary(let wanted):
                if (Self.isWord(scalars, position - 1) != Self.isWord(scalars, position)) == wanted {
                    state += 1
                } else {
                    advanced = false
                }
            case .match, .succeed:
                return true
            case .save(let slot):
                undo.append(.restore(slot: slot, value: slots[slot]))
                slots[slot] = position
                state += 1
            case .progress(let slot):
                if slots[slot] == position { advanced = false } else { state += 1 }
            case .backreference(let group):
                let from = slots[2 * group]
                let to = slots[2 * group + 1]
                if from < 0 || to < from {
                    state += 1
                } else if position + (to - from) <= scalars.count,
                    scalars[from..<to].elementsEqual(scalars[position..<(position + to - from)])
                {
                    state += 1
                    position += to - from
                } else {
                    advanced = false
                }
            case .lookahead(let negated, let end):
                var inner = slots
                guard let matched = run(from: state + 1, at: position, scalars, &inner, &steps) else { return nil }
                if matched == negated {
                    advanced = false
                } else {
                    if !negated {
                        // Atomic: the captures of the first way the body matched are kept.
                        for index in slots.indices where slots[index] != inner[index] {
                            undo.append(.restore(slot: index, value: slots[index]))
                            slots[index] = inner[index]
                        }
                    }
                    state = end
                }
            }
            if advanced { continue }
            var resumed = false
            while let entry = undo.popLast() {
                switch entry {
                case .restore(let slot, let value): slots[slot] = value
                case .branch(let next, let at):
                    state = next
                    position = at
                    resumed = true
                }
                if resumed { break }
            }
            if !resumed { return false }
        }
    }

    // MARK: - Parsing

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0
        var groupCount = 0
        var groupNames: [String: Int] = [:]

        var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

        mutating func alternation() throws(Unsupported) -> Node {
            var branches = [try sequence()]
            while peek == "|" {
                position += 1
                branches.append(try sequence())
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func sequence() throws(Unsupported) -> Node {
            var items: [Node] = []
            while let c = peek, c != "|", c != ")" {
                let atom = try self.atom()
                items.append(try quantified(atom))
            }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        /// Whether `{n}`, `{n,}` or `{n,m}` starts at `position` (on the `{`).
        var isBracedQuantifier: Bool {
            var i = position + 1
            func digits() -> Int {
                let from = i
                while i < scalars.count, ("0"..."9").contains(scalars[i]) { i += 1 }
                return i - from
            }
            guard digits() > 0 else { return false }
            if i < scalars.count, scalars[i] == "," {
                i += 1
                _ = digits()
            }
            return i < scalars.count && scalars[i] == "}"
        }

        /// `{n}`, `{n,}` or `{n,m}` at `position` (on the `{`), consumed; throws for a count above
        /// ``PatternEngine/maxRepetition``.
        mutating func bracedQuantifier() throws(Unsupported) -> (Int, Int?) {
            position += 1
            let minimum = try number()
            var maximum: Int? = minimum
            if peek == "," {
                position += 1
                maximum = peek == "}" ? nil : try number()
            }
            guard peek == "}" else { throw Unsupported() }
            position += 1
            return (minimum, maximum)
        }

        mutating func quantified(_ atom: Node) throws(Unsupported) -> Node {
            guard let c = peek else { return atom }
            var minimum = 0
            var maximum: Int?
            switch c {
            case "*": position += 1
            case "+":
                position += 1
                minimum = 1
            case "?":
                position += 1
                maximum = 1
            case "{":
                // A `{` that does not start `{n}`, `{n,}` or `{n,m}` is a literal `{` (ECMA-262 Annex B), which
                // the next atom reads.
                guard isBracedQuantifier else { return atom }
                (minimum, maximum) = try bracedQuantifier()
                if let maximum, maximum < minimum { throw Unsupported() }
            default:
                return atom
            }
            if peek == "?" { position += 1 }  // lazy: the same set of matches
            if case .assertion = atom { throw Unsupported() }
            if case .lookahead = atom { throw Unsupported() }
            if let next = peek, "*+?{".unicodeScalars.contains(next) { throw Unsupported() }
            return .repetition(atom, minimum: minimum, maximum: maximum)
        }

        mutating func number() throws(Unsupported) -> Int {
            var value = 0
            var digits = 0
            while let c = peek, ("0"..."9").contains(c) {
                value = value * 10 + Int(c.value - 0x30)
                digits += 1
                position += 1
                if value > PatternEngine.maxRepetition { throw Unsupported() }
            }
            guard digits > 0 else { throw Unsupported() }
            return value
        }

        mutating func atom() throws(Unsupported) -> Node {
            let c = scalars[position]
            position += 1
            switch c {
            case "(":
                var capture: Int?
                var lookahead: Bool?
                if peek == "?" {
                    guard position + 1 < scalars.count else { throw Unsupported() }
                    let kind = scalars[position + 1]
                    if kind == ":" {
                        position += 2
                    } else if kind == "=" || kind == "!" {
                        lookahead = kind == "!"
                        position += 2
                    } else if kind == "<", position + 2 < scalars.count, scalars[position + 2] != "=",
                        scalars[position + 2] != "!", let close = scalars[position...].firstIndex(of: ">")
                    {
                        groupCount += 1
                        capture = groupCount
                        groupNames[String(String.UnicodeScalarView(scalars[(position + 2)..<close]))] = groupCount
                        position = close + 1
                    } else {
                        throw Unsupported()
                    }
                } else {
                    groupCount += 1
                    capture = groupCount
                }
                let inner = try alternation()
                guard peek == ")" else { throw Unsupported() }
                position += 1
                if let negated = lookahead { return .lookahead(inner, negated: negated) }
                if let capture { return .group(inner, index: capture) }
                return inner
            case "[": return .set(try characterClass())
            case ".": return .set(ScalarSet(ranges: ScalarSet.lineTerminators, negated: true))
            case "^": return .assertion(.begin)
            case "$": return .assertion(.end)
            case "\\": return try escape()
            case "*", "+", "?": throw Unsupported()
            // Braces that are not a quantifier are literals (ECMA-262 Annex B): `a}`, `x{y`. Leaving them to Swift
            // `Regex` let `^(?=a)(a+)+}…$` backtrack without a bound (a fuzz finding).
            default: return .set(.single(c.value))
            }
        }

        /// An escape outside a class (the backslash consumed).
        mutating func escape() throws(Unsupported) -> Node {
            guard let e = peek else { throw Unsupported() }
            switch e {
            case "d", "D", "w", "W", "s", "S":
                position += 1
                let ranges =
                    e == "d" || e == "D" ? ScalarSet.digits : e == "w" || e == "W" ? ScalarSet.word : ScalarSet.space
                return .set(ScalarSet(ranges: ranges, negated: e.properties.isUppercase))
            case "b", "B":
                position += 1
                return .assertion(.wordBoundary(e == "b"))
            case "1"..."9":
                var group = 0
                while let c = peek, ("0"..."9").contains(c) {
                    group = group * 10 + Int(c.value - 0x30)
                    position += 1
                    if group > 10_000 { throw Unsupported() }
                }
                return .backreference(group)
            case "k":
                guard position + 1 < scalars.count, scalars[position + 1] == "<",
                    let close = scalars[position...].firstIndex(of: ">")
                else { throw Unsupported() }
                let name = String(String.UnicodeScalarView(scalars[(position + 2)..<close]))
                position = close + 1
                return .namedBackreference(name)
            default:
                return .set(.single(try escapedScalar(inClass: false)))
            }
        }

        /// The scalar a character escape stands for (the backslash consumed, `peek` is the escape letter).
        mutating func escapedScalar(inClass: Bool) throws(Unsupported) -> UInt32 {
            guard let e = peek else { throw Unsupported() }
            position += 1
            switch e {
            case "b" where inClass: return 0x08
            case "v": return 0x0B
            case "f": return 0x0C
            case "n": return 0x0A
            case "r": return 0x0D
            case "t": return 0x09
            case "0":
                if let c = peek, ("0"..."9").contains(c) { throw Unsupported() }
                return 0
            case "c":
                guard let c = peek, c.isASCII, c.properties.isAlphabetic else { throw Unsupported() }
                position += 1
                return c.value % 32
            case "x":
                guard let value = hex(position, 2) else { throw Unsupported() }
                position += 2
                return value
            case "u":
                if peek == "{" {
                    guard let close = scalars[position...].firstIndex(of: "}"),
                        let value = hex(position + 1, close - position - 1), value <= 0x10FFFF
                    else { throw Unsupported() }
                    position = close + 1
                    return (0xD800...0xDFFF).contains(value) ? 0xFFFD : value
                }
                guard let value = hex(position, 4) else { throw Unsupported() }
                position += 4
                if (0xD800...0xDBFF).contains(value), position + 1 < scalars.count, scalars[position] == "\\",
                    scalars[position + 1] == "u", let low = hex(position + 2, 4), (0xDC00...0xDFFF).contains(low)
                {
                    position += 6
                    return 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                }
                return (0xD800...0xDFFF).contains(value) ? 0xFFFD : value
            default:
                // Back-references, \k, \p, \P and the letters ECMA-262 rejects; identity escapes otherwise.
                if e.isASCII && (e.properties.isAlphabetic || ("0"..."9").contains(e)) { throw Unsupported() }
                return e.value
            }
        }

        func hex(_ from: Int, _ count: Int) -> UInt32? {
            guard count > 0, from + count <= scalars.count else { return nil }
            var value: UInt32 = 0
            for k in from..<(from + count) {
                guard scalars[k].isASCII, let digit = Int(String(scalars[k]), radix: 16) else { return nil }
                value = value &* 16 &+ UInt32(digit)
                if value > 0x10FFFF { return nil }
            }
            return value
        }

        /// A class (the `[` consumed).
        mutating func characterClass() throws(Unsupported) -> ScalarSet {
            var set = ScalarSet(ranges: [], negated: false)
            if peek == "^" {
                set.negated = true
                position += 1
            }
            while peek != nil, peek != "]" {
                let low = try classAtom()
                if peek == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                    position += 1
                    let high = try classAtom()
                    guard case .scalar(let from) = low, case .scalar(let to) = high, from <= to else {
                        throw Unsupported()
                    }
                    set.ranges.append(from...to)
                } else {
                    switch low {
                    case .scalar(let value): set.ranges.append(value...value)
                    case .ranges(let ranges): set.ranges += ranges
                    }
                }
            }
            guard peek == "]" else { throw Unsupported() }
            position += 1
            return set
        }

        enum ClassAtom {
            case scalar(UInt32)
            case ranges([ClosedRange<UInt32>])
        }

        mutating func classAtom() throws(Unsupported) -> ClassAtom {
            let c = scalars[position]
            position += 1
            guard c == "\\" else { return .scalar(c.value) }
            switch peek {
            case "d":
                position += 1
                return .ranges(ScalarSet.digits)
            case "w":
                position += 1
                return .ranges(ScalarSet.word)
            case "s":
                position += 1
                return .ranges(ScalarSet.space)
            case "D", "W", "S", "B": throw Unsupported()
            default: return .scalar(try escapedScalar(inClass: true))
            }
        }
    }

    // MARK: - Compiling

    private struct Compiler {
        let backtracking: Bool
        let groupNames: [String: Int]
        let groupCount: Int
        var instructions: [Instruction] = []
        /// Two capture slots per group (group 0's unused), then the loop slots handed out so far.
        lazy var slotCount = 2 * (groupCount + 1)

        init(backtracking: Bool, groupNames: [String: Int], groupCount: Int) {
            self.backtracking = backtracking
            self.groupNames = groupNames
            self.groupCount = groupCount
        }

        mutating func append(_ instruction: Instruction) throws(Unsupported) -> Int {
            guard instructions.count < PatternEngine.maxInstructions else { throw Unsupported() }
            instructions.append(instruction)
            return instructions.count - 1
        }

        mutating func emit(_ node: Node) throws(Unsupported) {
            switch node {
            case .group(let body, let index):
                guard backtracking else { return try emit(body) }
                _ = try append(.save(2 * index))
                try emit(body)
                _ = try append(.save(2 * index + 1))
            case .backreference(let group):
                guard backtracking, group <= groupCount else { throw Unsupported() }
                _ = try append(.backreference(group))
            case .namedBackreference(let name):
                guard backtracking, let group = groupNames[name] else { throw Unsupported() }
                _ = try append(.backreference(group))
            case .lookahead(let body, let negated):
                guard backtracking else { throw Unsupported() }
                let start = try append(.jump(0))
                try emit(body)
                _ = try append(.succeed)
                instructions[start] = .lookahead(negated: negated, end: instructions.count)
            case .set(let set): _ = try append(.scalar(set))
            case .assertion(let assertion): _ = try append(assertion)
            case .sequence(let items): for item in items { try emit(item) }
            case .alternation(let branches):
                var exits: [Int] = []
                for (offset, branch) in branches.enumerated() {
                    if offset == branches.count - 1 {
                        try emit(branch)
                    } else {
                        let split = try append(.jump(0))
                        try emit(branch)
                        exits.append(try append(.jump(0)))
                        instructions[split] = .split(split + 1, instructions.count)
                    }
                }
                for exit in exits { instructions[exit] = .jump(instructions.count) }
            case .repetition(let body, let minimum, let maximum):
                for _ in 0..<minimum { try emit(body) }
                if let maximum {
                    for _ in minimum..<maximum {
                        let split = try append(.jump(0))
                        try emit(body)
                        instructions[split] = .split(split + 1, instructions.count)
                    }
                } else if backtracking {
                    let slot = slotCount
                    slotCount += 1
                    let split = try append(.jump(0))
                    _ = try append(.save(slot))
                    try emit(body)
                    _ = try append(.progress(slot))
                    _ = try append(.jump(split))
                    instructions[split] = .split(split + 1, instructions.count)
                } else {
                    let split = try append(.jump(0))
                    try emit(body)
                    _ = try append(.jump(split))
                    instructions[split] = .split(split + 1, instructions.count)
                }
            }
        }
    }
}
