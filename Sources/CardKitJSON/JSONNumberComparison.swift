/// Exact comparison of JSON number literals by mathematical value.
///
/// Literals are reduced to a sign, a digit string without leading or trailing zeros, and a decimal
/// exponent, so `1.0`, `1` and `1e0` compare equal and `12345678901234567890` keeps all its digits.
package enum JSONNumberComparison {
    /// A number literal in normalized decimal form: value = sign × 0.digits × 10^exponent.
    package struct Decimal: Sendable, Equatable {
        /// True for negative non-zero values.
        package var negative: Bool
        /// Significant digits, no leading or trailing zeros; empty for zero.
        package var digits: [UInt8]
        /// The decimal exponent of the first digit (value = 0.d1d2… × 10^exponent).
        package var exponent: Int

        /// Whether the value is an integer.
        package var isInteger: Bool { digits.isEmpty || exponent >= digits.count }
    }

    /// Parses a JSON number literal into normalized decimal form; `nil` if it is not one.
    package static func decimal(_ literal: String) -> Decimal? {
        var bytes = Array(literal.utf8)[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        } else if bytes.first == UInt8(ascii: "+") {
            bytes = bytes.dropFirst()
        }
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var exponent = 0
        var index = bytes.startIndex
        while index < bytes.endIndex, bytes[index] >= 48, bytes[index] <= 57 {
            integerDigits.append(bytes[index] - 48)
            index += 1
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.endIndex, bytes[index] >= 48, bytes[index] <= 57 {
                fractionDigits.append(bytes[index] - 48)
                index += 1
            }
        }
        if integerDigits.isEmpty && fractionDigits.isEmpty { return nil }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var value = 0
            var sawDigit = false
            while index < bytes.endIndex, bytes[index] >= 48, bytes[index] <= 57 {
                sawDigit = true
                if value < 100_000_000 { value = value * 10 + Int(bytes[index] - 48) }
                index += 1
            }
            if !sawDigit { return nil }
            exponent = exponentNegative ? -value : value
        }
        if index != bytes.endIndex { return nil }
        var digits = integerDigits + fractionDigits
        var pointPosition = integerDigits.count + exponent
        var leading = 0
        while leading < digits.count, digits[leading] == 0 { leading += 1 }
        digits.removeFirst(leading)
        pointPosition -= leading
        while let last = digits.last, last == 0 { digits.removeLast() }
        if digits.isEmpty { return Decimal(negative: false, digits: [], exponent: 0) }
        return Decimal(negative: negative, digits: digits, exponent: pointPosition)
    }

    /// Whether two number literals denote the same value.
    package static func equal(_ a: JSONNumber, _ b: JSONNumber) -> Bool {
        if a.literal == b.literal { return true }
        guard let x = decimal(a.literal), let y = decimal(b.literal) else { return a.doubleValue == b.doubleValue }
        return x == y
    }

    /// Orders two number literals by value: negative when `a < b`, zero when equal, positive when `a > b`.
    package static func compare(_ a: JSONNumber, _ b: JSONNumber) -> Int {
        guard let x = decimal(a.literal), let y = decimal(b.literal) else {
            let (p, q) = (a.doubleValue, b.doubleValue)
            return p < q ? -1 : (p > q ? 1 : 0)
        }
        return compare(x, y)
    }

    /// Orders two normalized decimals by value.
    package static func compare(_ x: Decimal, _ y: Decimal) -> Int {
        let xZero = x.digits.isEmpty
        let yZero = y.digits.isEmpty
        if xZero && yZero { return 0 }
        let xSign = xZero ? 0 : (x.negative ? -1 : 1)
        let ySign = yZero ? 0 : (y.negative ? -1 : 1)
        if xSign != ySign { return xSign < ySign ? -1 : 1 }
        let magnitude = compareMagnitude(x, y)
        return xSign < 0 ? -magnitude : magnitude
    }

    private static func compareMagnitude(_ x: Decimal, _ y: Decimal) -> Int {
        if x.exponent != y.exponent { return x.exponent < y.exponent ? -1 : 1 }
        for i in 0..<max(x.digits.count, y.digits.count) {
            let a = i < x.digits.count ? x.digits[i] : 0
            let b = i < y.digits.count ? y.digits[i] : 0
            if a != b { return a < b ? -1 : 1 }
        }
        return 0
    }
}
