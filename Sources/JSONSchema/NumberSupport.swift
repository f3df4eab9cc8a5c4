import CardKitJSON

/// A schema number (a bound or a divisor) prepared for fast exact comparisons (internal).
struct SchemaNumber: Sendable {
    let number: JSONNumber
    /// The value as a `Double` when the literal converts exactly enough to compare by `Double`, else `nil`.
    let fastDouble: Double?
    let decimal: JSONNumberComparison.Decimal?

    init(_ number: JSONNumber) {
        self.number = number
        self.fastDouble = NumberSupport.fastDouble(number.literal)
        self.decimal = JSONNumberComparison.decimal(number.literal)
    }
}

/// Exact numeric helpers over JSON number literals (internal).
enum NumberSupport {
    /// A `Double` for literals of at most 15 significant digits without exponent: distinct such decimals map
    /// to distinct doubles, in the same order, so comparing the doubles is exact.
    @inline(__always)
    static func fastDouble(_ literal: String) -> Double? {
        var digits = 0
        for byte in literal.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "-"), UInt8(ascii: "."): continue
            default: return nil
            }
        }
        guard digits <= 15 else { return nil }
        return Double(literal)
    }

    /// Orders an instance number against a schema number: negative, zero or positive.
    @inline(__always)
    static func compare(_ value: JSONNumber, _ bound: SchemaNumber) -> Int {
        if let b = bound.fastDouble, let a = fastDouble(value.literal) {
            return a < b ? -1 : (a > b ? 1 : 0)
        }
        if let b = bound.decimal, let a = JSONNumberComparison.decimal(value.literal) {
            return JSONNumberComparison.compare(a, b)
        }
        return JSONNumberComparison.compare(value, bound.number)
    }

    /// Whether the number is mathematically an integer (`1.0` is).
    @inline(__always)
    static func isInteger(_ number: JSONNumber) -> Bool {
        var plain = true
        for byte in number.literal.utf8
        where byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            plain = false
            break
        }
        if plain { return true }
        return JSONNumberComparison.decimal(number.literal)?.isInteger ?? false
    }

    /// Whether `value` is an integer multiple of `divisor`, decided exactly on the decimal digits.
    static func isMultiple(_ value: JSONNumber, of divisor: SchemaNumber) -> Bool {
        guard let a = JSONNumberComparison.decimal(value.literal), let b = divisor.decimal, !b.digits.isEmpty else {
            let q = value.doubleValue / divisor.number.doubleValue
            return q.isFinite && q == q.rounded()
        }
        if a.digits.isEmpty { return true }
        // value = Na × 10^-sa with Na the integer of a's digits and sa = digits.count - exponent.
        let sa = a.digits.count - a.exponent
        let sb = b.digits.count - b.exponent
        // a / b = (Na / Nb) × 10^(sb - sa)
        let shift = sb - sa
        if shift < 0 {
            // Na must be divisible by Nb × 10^-shift; Na has no trailing zeros, so only when the shift is absent.
            return false
        }
        guard b.digits.count <= 18 else {
            let q = value.doubleValue / divisor.number.doubleValue
            return q.isFinite && q == q.rounded()
        }
        var nb: UInt64 = 0
        for digit in b.digits { nb = nb * 10 + UInt64(digit) }
        // (Na × 10^shift) mod Nb, digit by digit. Nb < 2^64 has at most 63 factors of 2 or 5, so if 64
        // appended zeros do not make the remainder zero, no number of zeros will.
        var remainder: UInt64 = 0
        for digit in a.digits { remainder = (remainder * 10 + UInt64(digit)) % nb }
        var zeros = min(shift, 64)
        while zeros > 0, remainder != 0 {
            remainder = (remainder * 10) % nb
            zeros -= 1
        }
        return remainder == 0
    }
}
