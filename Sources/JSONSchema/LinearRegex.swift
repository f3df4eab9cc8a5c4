/// A linear-time matcher for the ECMA-262 patterns that need no backtracking (internal).
///
/// Swift `Regex` backtracks, so a pattern such as `^(a+)+$` takes time exponential in the length of a string
/// that almost matches. `pattern` and `patternProperties` only ask whether a pattern matches, never for
/// captures, so every pattern without back-references, look-around or property escapes is compiled here to a
/// Thompson NFA and run as a set of states over the string's Unicode scalars: at most
/// ``maxInstructions`` states per scalar, whatever the pattern and the string.
///
/// The meanings are those ``ECMARegex`` gives its translation to Swift `Regex` (`\d`, `\w`, `\s`, `.`, `$`,
/// `\b` as ECMA-262 defines them, on scalars). ``init(_:)`` returns `nil` for anything else, and the caller
/// keeps using Swift `Regex`: back-references, `\k`, look-ahead, `\p{…}`, modifier groups, `{` that is not a
/// quantifier, quantified assertions and counted repetitions above ``maxRepetition``.
struct LinearRegex: Sendable {
    /// The most NFA states a pattern may compile to, counted repetitions expanded.
    ///
    /// Larger patterns are left to Swift `Regex`. It bounds the work per scalar of the string.
    static let maxInstructions = 20_000
    /// The largest bound of a counted repetition (`{n,m}`) compiled here.
    static let maxRepetition = 1_000

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
    }

    /// Thrown inside the parser for a pattern this engine leaves to Swift `Regex`.
    private struct Unsupported: Error {}

    let instructions: [Instruction]

    /// Compiles `pattern`, or returns `nil` when it uses a construct this engine does not implement.
    ///
    /// See the type's documentation for those. The pattern has already been accepted by ``ECMARegex``'s translation.
    init?(_ pattern: String) {
        var parser = Parser(scalars: Array(pattern.unicodeScalars))
        do {
            let node = try parser.alternation()
            guard parser.position == parser.scalars.count else { return nil }
            var compiler = Compiler()
            try compiler.emit(node)
            compiler.instructions.append(.match)
            instructions = compiler.instructions
        } catch {
            return nil
        }
    }

    /// Whether the pattern matches anywhere in `string` (unanchored, like ``ECMARegex/search(_:)``).
    func search(_ string: String) -> Bool {
        let scalars = Array(string.unicodeScalars.lazy.map(\.value))
        var marks = [Int](repeating: -1, count: instructions.count)
        var current: [Int] = []
        var next: [Int] = []
        var stack: [Int] = []
        current.reserveCapacity(instructions.count)
        next.reserveCapacity(instructions.count)

        func isWord(_ position: Int) -> Bool {
            guard position >= 0, position < scalars.count else { return false }
            let value = scalars[position]
            return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || value == 0x5F
                || (0x61...0x7A).contains(value)
        }

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
                    if (isWord(position - 1) != isWord(position)) == wanted { stack.append(state + 1) }
                case .match:
                    stack.removeAll()
                    return true
                }
            }
            return false
        }

        for position in 0...scalars.count {
            if add(0, at: position, to: &current) { return true }
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

    // MARK: - Parsing

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0

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
                position += 1
                minimum = try number()
                maximum = minimum
                if peek == "," {
                    position += 1
                    maximum = peek == "}" ? nil : try number()
                }
                guard peek == "}" else { throw Unsupported() }
                position += 1
                if let maximum, maximum < minimum { throw Unsupported() }
            default:
                return atom
            }
            if peek == "?" { position += 1 }  // lazy: the same set of matches
            if case .assertion = atom { throw Unsupported() }
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
                if value > LinearRegex.maxRepetition { throw Unsupported() }
            }
            guard digits > 0 else { throw Unsupported() }
            return value
        }

        mutating func atom() throws(Unsupported) -> Node {
            let c = scalars[position]
            position += 1
            switch c {
            case "(":
                if peek == "?" {
                    guard position + 1 < scalars.count else { throw Unsupported() }
                    let kind = scalars[position + 1]
                    if kind == ":" {
                        position += 2
                    } else if kind == "<", position + 2 < scalars.count, scalars[position + 2] != "=",
                        scalars[position + 2] != "!", let close = scalars[position...].firstIndex(of: ">")
                    {
                        position = close + 1
                    } else {
                        throw Unsupported()
                    }
                }
                let inner = try alternation()
                guard peek == ")" else { throw Unsupported() }
                position += 1
                return inner
            case "[": return .set(try characterClass())
            case ".": return .set(ScalarSet(ranges: ScalarSet.lineTerminators, negated: true))
            case "^": return .assertion(.begin)
            case "$": return .assertion(.end)
            case "\\": return try escape()
            case "*", "+", "?", "{", "}": throw Unsupported()
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
        var instructions: [Instruction] = []

        mutating func append(_ instruction: Instruction) throws(Unsupported) -> Int {
            guard instructions.count < LinearRegex.maxInstructions else { throw Unsupported() }
            instructions.append(instruction)
            return instructions.count - 1
        }

        mutating func emit(_ node: Node) throws(Unsupported) {
            switch node {
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
