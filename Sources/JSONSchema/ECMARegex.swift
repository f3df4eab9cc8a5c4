import Foundation

/// An ECMA-262 regular expression translated to Swift `Regex` (used by `pattern`, `patternProperties` and
/// the `regex` format).
///
/// The translation keeps ECMA-262 meanings where Swift's defaults differ:
/// - `\d` is `[0-9]`, `\w` is `[A-Za-z0-9_]`, `\b` uses those word characters, and `\s` is ECMA-262's
///   white space and line terminators (including U+FEFF and the Unicode space separators).
/// - `.` matches anything but the four line terminators; `$` matches only at the end (no trailing-newline
///   allowance); matching runs on Unicode scalars, not grapheme clusters.
/// - `\uXXXX` (with surrogate pairs), `\u{…}`, `\xHH`, `\cX`, `\0`, `\v`, `[\b]`, `[]` and `[^]`.
/// - `\p{…}`/`\P{…}` pass through to Swift's Unicode properties.
///
/// Not supported (``JSONSchemaError/Kind/invalidRegularExpression`` at compile time):
/// - look-behind assertions `(?<=…)` and `(?<!…)`: Swift `Regex` does not implement them;
/// - identity escapes of ASCII letters that ECMA-262 rejects in Unicode mode (`\a`, `\e`, `\z`, `\Z`, `\A`, …);
/// - character-class ranges whose bounds are Unicode space separators (`[\u2000-\u200A]`): Swift rejects such
///   bounds ("invalid bound for character class range");
/// - the `v`-flag set notation and modifiers such as `(?i:…)` follow Swift's reading, not ECMA-262's.
///
/// Every pattern is compiled by Swift `Regex` (which decides what is accepted), but matching runs on
/// ``PatternEngine`` whenever it implements the pattern: in linear time, or within a step budget for
/// back-references and look-ahead. Only the rest (`\p{…}`, modifiers, huge counted repetitions) is matched by
/// Swift `Regex`, whose backtracking is unbounded.
struct ECMARegex: @unchecked Sendable {
    // Regex<AnyRegexOutput> is not Sendable; it is immutable after construction and only matched.
    let source: String
    private let regex: Regex<AnyRegexOutput>
    /// A literal substring for patterns without any metacharacter, searched without the regex engine.
    private let literal: String?
    /// CardKit's bounded matcher, for the patterns it implements.
    ///
    /// That is everything but `\p{…}`, modifier groups and a few rarer constructs: linear, or with a step budget
    /// when the pattern has back-references or look-ahead. `nil` leaves matching to Swift `Regex`, which backtracks
    /// without a bound.
    private let engine: PatternEngine?

    /// The reason a pattern could not be translated or compiled.
    struct Failure: Error {
        let message: String
    }

    init(_ pattern: String) throws(Failure) {
        source = pattern
        let translated = try Self.translate(pattern)
        do {
            regex = try Regex(translated)
                .matchingSemantics(.unicodeScalar)
                .wordBoundaryKind(.simple)
                .asciiOnlyWordCharacters()
                .asciiOnlyDigits()
        } catch {
            throw Failure(message: "\(error)")
        }
        literal = pattern.utf8.contains(where: { Self.metacharacters.contains($0) }) ? nil : pattern
        engine = literal == nil ? PatternEngine(pattern) ?? PatternEngine(backtracking: pattern) : nil
    }

    /// Whether matching runs in linear time (a literal or the linear ``PatternEngine``).
    var isLinear: Bool { literal != nil || engine?.isBacktracking == false }

    /// Whether matching is bounded: linear, or backtracking within ``PatternEngine/stepBudget(for:)``.
    var isBounded: Bool { literal != nil || engine != nil }

    /// The translated and compiled regex for `pattern`, from a process-wide cache when it was met before.
    ///
    /// Schemas repeat patterns (the same `pattern` in many compiled schemas, meta-schemas compiled again and
    /// again); translating and parsing one costs far more than the rest of a small schema's compilation. The
    /// cache holds at most ``PatternCache/capacity`` patterns and is emptied when full (as Python's `re` does).
    static func cached(_ pattern: String) throws(Failure) -> ECMARegex {
        try PatternCache.shared.regex(for: pattern)
    }

    /// Whether the pattern matches anywhere in `string` (ECMA-262 `RegExp.prototype.test`, unanchored).
    ///
    /// - Returns: `nil` when the pattern backtracks and ran out of ``PatternEngine/stepBudget(for:)`` steps.
    func search(_ string: String) -> Bool? {
        if let literal {
            return literal.isEmpty || string.unicodeScalars.firstRange(of: literal.unicodeScalars) != nil
        }
        if let engine { return engine.search(string) }
        return string.firstMatch(of: regex) != nil
    }

    private static let metacharacters = Set("\\^$.|?*+()[]{}".utf8)

    // MARK: - Translation

    private static let whitespace =
        "\\t\\n\\u{B}\\f\\r \\u{A0}\\u{1680}\\u{2000}\\u{2001}\\u{2002}\\u{2003}\\u{2004}\\u{2005}\\u{2006}"
        + "\\u{2007}\\u{2008}\\u{2009}\\u{200A}\\u{2028}\\u{2029}\\u{202F}\\u{205F}\\u{3000}\\u{FEFF}"
    private static let wordClass = "a-zA-Z0-9_"

    private static func hex(_ value: UInt32) -> String { "\\u{" + String(value, radix: 16, uppercase: true) + "}" }

    /// Translates ECMA-262 syntax to Swift regex syntax.
    static func translate(_ pattern: String) throws(Failure) -> String {
        let scalars = Array(pattern.unicodeScalars)
        var out = ""
        var i = 0
        var inClass = false
        var classStart = false  // just after `[` or `[^`

        func hexValue(_ from: Int, _ count: Int) -> UInt32? {
            guard from + count <= scalars.count else { return nil }
            var value: UInt32 = 0
            for k in from..<(from + count) {
                guard let digit = Int(String(scalars[k]), radix: 16) else { return nil }
                value = value * 16 + UInt32(digit)
            }
            return value
        }

        while i < scalars.count {
            let c = scalars[i]
            let wasClassStart = classStart
            classStart = false
            switch c {
            case "\\":
                guard i + 1 < scalars.count else { throw Failure(message: "pattern ends with a lone backslash") }
                let e = scalars[i + 1]
                i += 2
                switch e {
                case "d": out += inClass ? "0-9" : "[0-9]"
                case "D": out += "[^0-9]"
                case "w": out += inClass ? wordClass : "[\(wordClass)]"
                case "W": out += "[^\(wordClass)]"
                case "s": out += inClass ? whitespace : "[\(whitespace)]"
                case "S": out += "[^\(whitespace)]"
                case "b": out += inClass ? "\\u{8}" : "\\b"
                case "B":
                    guard !inClass else { throw Failure(message: "\\B is not allowed in a character class") }
                    out += "\\B"
                case "v": out += "\\u{B}"
                case "f", "n", "r", "t": out += "\\" + String(e)
                case "0":
                    if i < scalars.count, ("0"..."9").contains(scalars[i]) {
                        throw Failure(message: "octal escapes are not allowed")
                    }
                    out += "\\u{0}"
                case "1"..."9":
                    guard !inClass else { throw Failure(message: "a back-reference is not allowed in a class") }
                    var digits = String(e)
                    while i < scalars.count, ("0"..."9").contains(scalars[i]) {
                        digits.unicodeScalars.append(scalars[i])
                        i += 1
                    }
                    out += "\\" + digits
                case "k":
                    out += "\\k"
                case "c":
                    guard i < scalars.count, scalars[i].isASCII, scalars[i].properties.isAlphabetic else {
                        throw Failure(message: "\\c must be followed by a letter")
                    }
                    out += hex(scalars[i].value % 32)
                    i += 1
                case "x":
                    guard let value = hexValue(i, 2) else { throw Failure(message: "\\x needs two hex digits") }
                    out += hex(value)
                    i += 2
                case "u":
                    if i < scalars.count, scalars[i] == "{" {
                        guard let close = scalars[i...].firstIndex(of: "}"), let value = hexValue(i + 1, close - i - 1),
                            value <= 0x10FFFF
                        else { throw Failure(message: "malformed \\u{…} escape") }
                        out += hex(value)
                        i = close + 1
                    } else {
                        guard let value = hexValue(i, 4) else { throw Failure(message: "\\u needs four hex digits") }
                        i += 4
                        if (0xD800...0xDBFF).contains(value), i + 1 < scalars.count, scalars[i] == "\\",
                            scalars[i + 1] == "u", let low = hexValue(i + 2, 4), (0xDC00...0xDFFF).contains(low)
                        {
                            out += hex(0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00))
                            i += 6
                        } else if (0xD800...0xDFFF).contains(value) {
                            out += "\\u{FFFD}"
                        } else {
                            out += hex(value)
                        }
                    }
                case "p", "P":
                    guard i < scalars.count, scalars[i] == "{", let close = scalars[i...].firstIndex(of: "}") else {
                        throw Failure(message: "\\\(e) must be followed by {property}")
                    }
                    out += "\\" + String(e) + String(String.UnicodeScalarView(scalars[i...close]))
                    i = close + 1
                default:
                    if e.isASCII && (e.properties.isAlphabetic || ("0"..."9").contains(e)) {
                        throw Failure(message: "\\\(e) is not an ECMA-262 escape")
                    }
                    out += hex(e.value)
                }
                continue
            case "[":
                if inClass {
                    out += "\\["
                } else {
                    // `[]` matches nothing and `[^]` matches anything in ECMA-262.
                    if i + 1 < scalars.count, scalars[i + 1] == "]" {
                        out += "(?!)"
                        i += 2
                        continue
                    }
                    if i + 2 < scalars.count, scalars[i + 1] == "^", scalars[i + 2] == "]" {
                        out += "[\\u{0}-\\u{10FFFF}]"
                        i += 3
                        continue
                    }
                    inClass = true
                    classStart = true
                    out += "["
                    if i + 1 < scalars.count, scalars[i + 1] == "^" {
                        out += "^"
                        i += 1
                    }
                }
            case "]":
                if inClass {
                    inClass = false
                    out += "]"
                } else {
                    out += "\\]"
                }
            case "&", "~", "#", " ":
                out += inClass ? hex(c.value) : String(c)
            case "-":
                if inClass, wasClassStart || (i + 1 < scalars.count && scalars[i + 1] == "]") {
                    out += "\\-"
                } else {
                    out += "-"
                }
            case ".":
                out += inClass ? "." : "[^\\n\\r\\u{2028}\\u{2029}]"
            case "$":
                out += inClass ? "$" : "\\z"
            case "(":
                if !inClass, i + 2 < scalars.count, scalars[i + 1] == "?", scalars[i + 2] == "<",
                    i + 3 < scalars.count, scalars[i + 3] == "=" || scalars[i + 3] == "!"
                {
                    throw Failure(message: "look-behind assertions are not supported by Swift Regex")
                }
                if !inClass, i + 1 < scalars.count, scalars[i + 1] == "?" {
                    // ECMA-262 groups: (?: (?= (?! (?<name> and modifier groups (?ims-ims:…).
                    let next = i + 2 < scalars.count ? scalars[i + 2] : " "
                    if next == "<" || next == ":" || next == "=" || next == "!" {
                        out += "("
                        break
                    }
                    var k = i + 2
                    while k < scalars.count, "ims-".unicodeScalars.contains(scalars[k]) { k += 1 }
                    guard k > i + 2, k < scalars.count, scalars[k] == ":" else {
                        throw Failure(message: "(?\(next) is not an ECMA-262 group")
                    }
                }
                out += "("
            default:
                out.unicodeScalars.append(c)
            }
            i += 1
        }
        if inClass { throw Failure(message: "unterminated character class") }
        return out
    }
}

/// The process-wide cache behind ``ECMARegex/cached(_:)`` (internal).
///
/// Entries are immutable; the lock guards only the dictionary.
final class PatternCache: @unchecked Sendable {
    static let shared = PatternCache()
    static let capacity = 512
    /// Longer patterns are compiled every time, so the cache's memory stays bounded (512 × 4 KiB of source).
    static let maxPatternBytes = 4_096

    private let lock = NSLock()
    private var entries: [String: Result<ECMARegex, ECMARegex.Failure>] = [:]

    func regex(for pattern: String) throws(ECMARegex.Failure) -> ECMARegex {
        guard pattern.utf8.count <= Self.maxPatternBytes else { return try ECMARegex(pattern) }
        lock.lock()
        let known = entries[pattern]
        lock.unlock()
        if let known { return try known.get() }
        let result: Result<ECMARegex, ECMARegex.Failure>
        do {
            result = .success(try ECMARegex(pattern))
        } catch {
            result = .failure(error)
        }
        lock.lock()
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[pattern] = result
        lock.unlock()
        return try result.get()
    }
}
