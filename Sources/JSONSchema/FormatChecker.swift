/// The `format` values the validator can assert (internal).
///
/// Unknown formats always pass.
enum FormatChecker {
    /// Returns the checker for a format name, or `nil` for formats that are not asserted.
    static func checker(for name: String) -> (@Sendable (String) -> Bool)? {
        switch name {
        case "date-time": return { isDateTime($0) }
        case "date": return { isDate($0) }
        case "time": return { isTime($0) }
        case "duration": return { isDuration($0) }
        case "email": return { isEmail($0, international: false) }
        case "idn-email": return { isEmail($0, international: true) }
        case "hostname": return { isHostname($0, international: false) }
        case "idn-hostname": return { isHostname($0, international: true) }
        case "ipv4": return { isIPv4($0) }
        case "ipv6": return { isIPv6($0) }
        case "uri": return { isURI($0, reference: false, international: false) }
        case "uri-reference": return { isURI($0, reference: true, international: false) }
        case "iri": return { isURI($0, reference: false, international: true) }
        case "iri-reference": return { isURI($0, reference: true, international: true) }
        case "uuid": return { isUUID($0) }
        case "regex": return { (try? ECMARegex($0)) != nil }
        case "json-pointer": return { isJSONPointer($0) }
        case "relative-json-pointer": return { isRelativeJSONPointer($0) }
        case "uri-template": return { isURITemplate($0) }
        default: return nil
        }
    }

    // MARK: - Helpers

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    private static func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20 >= 97 && b | 0x20 <= 102) }
    private static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 97 && (b | 0x20) <= 122 }

    /// Reads exactly `count` ASCII digits at `index`.
    private static func number(_ bytes: [UInt8], _ index: Int, _ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for k in index..<(index + count) {
            guard isDigit(bytes[k]) else { return nil }
            value = value * 10 + Int(bytes[k] - 48)
        }
        return value
    }

    // MARK: - Dates and times (RFC 3339)

    static func isDate(_ string: String) -> Bool {
        let b = Array(string.utf8)
        return b.count == 10 && parseDate(b, 0) != nil
    }

    private static func parseDate(_ b: [UInt8], _ i: Int) -> Int? {
        guard let year = number(b, i, 4), i + 10 <= b.count, b[i + 4] == 45, let month = number(b, i + 5, 2),
            b[i + 7] == 45, let day = number(b, i + 8, 2), (1...12).contains(month), day >= 1
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days ? i + 10 : nil
    }

    static func isTime(_ string: String) -> Bool {
        let b = Array(string.utf8)
        return parseTime(b, 0) == b.count
    }

    /// Parses `HH:MM:SS[.frac](Z|±HH:MM)` and returns the end index.
    private static func parseTime(_ b: [UInt8], _ i: Int) -> Int? {
        guard let hour = number(b, i, 2), i + 8 <= b.count, b[i + 2] == 58, let minute = number(b, i + 3, 2),
            b[i + 5] == 58, let second = number(b, i + 6, 2), hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var j = i + 8
        if j < b.count, b[j] == 46 {
            j += 1
            let start = j
            while j < b.count, isDigit(b[j]) { j += 1 }
            guard j > start else { return nil }
        }
        guard j < b.count else { return nil }
        var offsetMinutes = 0
        if b[j] == 90 || b[j] == 122 {
            j += 1
        } else if b[j] == 43 || b[j] == 45 {
            guard let oh = number(b, j + 1, 2), j + 6 <= b.count, b[j + 3] == 58, let om = number(b, j + 4, 2),
                oh <= 23, om <= 59
            else { return nil }
            offsetMinutes = (oh * 60 + om) * (b[j] == 43 ? 1 : -1)
            j += 6
        } else {
            return nil
        }
        if second == 60 {
            // A leap second is only valid at 23:59:60 UTC.
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            guard utc == 23 * 60 + 59 else { return nil }
        }
        return j
    }

    static func isDateTime(_ string: String) -> Bool {
        let b = Array(string.utf8)
        guard let end = parseDate(b, 0), end < b.count, b[end] == 84 || b[end] == 116 else { return false }
        return parseTime(b, end + 1) == b.count
    }

    static func isDuration(_ string: String) -> Bool {
        // RFC 3339 appendix A: P (weeks alone | date [time] | time); date = D | M[D] | Y[M[D]];
        // time = T (H[M[S]] | M[S] | S).
        let b = Array(string.utf8)
        guard b.first == 80, b.count > 1 else { return false }
        var elements: [(unit: UInt8, time: Bool)] = []
        var i = 1
        var inTime = false
        while i < b.count {
            if b[i] == 84 {
                guard !inTime else { return false }
                inTime = true
                i += 1
                guard i < b.count else { return false }
                continue
            }
            let start = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            guard i > start, i < b.count else { return false }
            elements.append((b[i], inTime))
            i += 1
        }
        guard !elements.isEmpty else { return false }
        if elements.contains(where: { $0.unit == 87 && !$0.time }) {
            return elements.count == 1 && !inTime
        }
        let dateOrder: [UInt8] = [89, 77, 68]  // Y M D
        let timeOrder: [UInt8] = [72, 77, 83]  // H M S
        func contiguous(_ units: [UInt8], _ order: [UInt8]) -> Bool {
            guard let first = units.first, let startIndex = order.firstIndex(of: first) else { return units.isEmpty }
            guard startIndex + units.count <= order.count else { return false }
            return Array(order[startIndex..<(startIndex + units.count)]) == units
        }
        let dateUnits = elements.filter { !$0.time }.map(\.unit)
        let timeUnits = elements.filter { $0.time }.map(\.unit)
        if inTime && timeUnits.isEmpty { return false }
        return contiguous(dateUnits, dateOrder) && contiguous(timeUnits, timeOrder)
    }

    // MARK: - Internet names and addresses

    static func isIPv4(_ string: String) -> Bool {
        let parts = string.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            let bytes = Array(part.utf8)
            guard (1...3).contains(bytes.count), bytes.allSatisfy(isDigit), bytes.count == 1 || bytes[0] != 48,
                let value = Int(part), value <= 255
            else { return false }
        }
        return true
    }

    static func isIPv6(_ string: String) -> Bool {
        guard !string.isEmpty, string.utf8.allSatisfy({ isHex($0) || $0 == 58 || $0 == 46 }) else { return false }
        var text = Substring(string)
        var groupsNeeded = 8
        // An embedded IPv4 address takes the last two groups.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(text[text.index(after: lastColon)...])) else { return false }
            text = text[...lastColon]
            if !text.hasSuffix("::") { text = text.dropLast() }
            groupsNeeded = 6
        }
        let doubleColons = text.ranges(of: "::").count
        guard doubleColons <= 1 else { return false }
        if doubleColons == 1 {
            let halves = text.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
            let left = halves[0].isEmpty ? [] : halves[0].split(separator: ":", omittingEmptySubsequences: false)
            let right =
                halves.count > 1 && !halves[1].isEmpty
                ? halves[1].split(separator: ":", omittingEmptySubsequences: false) : []
            guard (left + right).allSatisfy({ (1...4).contains($0.count) && !$0.contains(".") }) else { return false }
            return left.count + right.count < groupsNeeded
        }
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        return groups.count == groupsNeeded && groups.allSatisfy { (1...4).contains($0.count) && !$0.contains(".") }
    }

    static func isHostname(_ string: String, international: Bool) -> Bool {
        var text = string
        if international {
            // Ideographic full stops separate labels too.
            text = String(text.map { "\u{3002}\u{FF0E}\u{FF61}".contains($0) ? "." : $0 })
        }
        guard !text.isEmpty, text.utf8.count <= 253 || international else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.first != "-", label.last != "-" else { return false }
            let scalars = label.unicodeScalars
            if international {
                guard scalars.count <= 63 else { return false }
                for scalar in scalars {
                    if scalar.isASCII {
                        guard scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" else {
                            return false
                        }
                    } else {
                        let category = scalar.properties.generalCategory
                        switch category {
                        case .uppercaseLetter, .lowercaseLetter, .otherLetter, .modifierLetter, .titlecaseLetter,
                            .nonspacingMark, .spacingMark, .decimalNumber, .enclosingMark:
                            break
                        default:
                            if scalar != "\u{00B7}" && scalar != "\u{0375}" && scalar != "\u{05F3}"
                                && scalar != "\u{05F4}" && scalar != "\u{30FB}" && scalar != "\u{200C}"
                                && scalar != "\u{200D}"
                            {
                                return false
                            }
                        }
                    }
                }
                if let first = scalars.first,
                    [.nonspacingMark, .spacingMark, .enclosingMark].contains(first.properties.generalCategory)
                {
                    return false
                }
            } else {
                guard label.utf8.count <= 63,
                    label.utf8.allSatisfy({ isAlpha($0) || isDigit($0) || $0 == 45 })
                else { return false }
            }
            // "--" in the third and fourth positions is reserved for A-labels ("xn--").
            let lower = label.lowercased()
            if lower.count >= 4, Array(lower.utf8)[2] == 45, Array(lower.utf8)[3] == 45, !lower.hasPrefix("xn--") {
                return false
            }
            if lower.hasPrefix("xn--") && !isValidPunycode(String(lower.dropFirst(4))) { return false }
        }
        return true
    }

    /// Decodes Punycode (RFC 3492) and reports whether it decodes to a non-empty label.
    private static func isValidPunycode(_ input: String) -> Bool {
        let bytes = Array(input.utf8)
        guard !bytes.isEmpty else { return false }
        var output: [UInt32] = []
        var start = 0
        if let delimiter = bytes.lastIndex(of: 45) {
            output = bytes[..<delimiter].map(UInt32.init)
            start = delimiter + 1
        }
        var n: UInt32 = 128
        var i: UInt32 = 0
        var bias: UInt32 = 72
        var index = start
        while index < bytes.count {
            let oldi = i
            var w: UInt32 = 1
            var k: UInt32 = 36
            while true {
                guard index < bytes.count else { return false }
                let c = bytes[index]
                index += 1
                let digit: UInt32
                if isDigit(c) {
                    digit = UInt32(c) - 22
                } else if isAlpha(c) {
                    digit = UInt32(c | 0x20) - 97
                } else {
                    return false
                }
                let (product, overflow) = digit.multipliedReportingOverflow(by: w)
                guard !overflow, i <= UInt32.max - product else { return false }
                i += product
                let t = k <= bias ? 1 : (k >= bias + 26 ? 26 : k - bias)
                if digit < t { break }
                let (nw, o2) = w.multipliedReportingOverflow(by: 36 - t)
                guard !o2 else { return false }
                w = nw
                k += 36
            }
            var delta = oldi == 0 ? (i - oldi) / 700 : (i - oldi) / 2
            delta += delta / UInt32(output.count + 1)
            var kk: UInt32 = 0
            while delta > 455 {
                delta /= 35
                kk += 36
            }
            bias = kk + (36 * delta) / (delta + 38)
            n += i / UInt32(output.count + 1)
            i %= UInt32(output.count + 1)
            guard n <= 0x10FFFF else { return false }
            output.insert(n, at: Int(i))
            i += 1
        }
        return !output.isEmpty
    }

    static func isEmail(_ string: String, international: Bool) -> Bool {
        guard let at = string.lastIndex(of: "@") else { return false }
        let local = string[..<at]
        let domain = string[string.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return false }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\"") else { return false }
        } else {
            guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
            let allowed = Set("!#$%&'*+-/=?^_`{|}~.".unicodeScalars)
            for scalar in local.unicodeScalars {
                if scalar.isASCII {
                    guard scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || allowed.contains(scalar)
                    else { return false }
                } else if !international {
                    return false
                }
            }
        }
        if domain.hasPrefix("[") && domain.hasSuffix("]") {
            let literal = domain.dropFirst().dropLast()
            if literal.hasPrefix("IPv6:") { return isIPv6(String(literal.dropFirst(5))) }
            return isIPv4(String(literal))
        }
        return isHostname(String(domain), international: international)
    }

    // MARK: - URIs and friends

    private static let unreservedOrSubDelims = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=".utf8)

    /// Whether every character is allowed in a URI component (plus `extra`), with valid percent-escapes.
    private static func validComponent(_ text: Substring, extra: Set<UInt8>, international: Bool) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 37 {
                guard i + 2 < bytes.count, isHex(bytes[i + 1]), isHex(bytes[i + 2]) else { return false }
                i += 3
                continue
            }
            if b >= 0x80 {
                guard international else { return false }
            } else if !unreservedOrSubDelims.contains(b) && !extra.contains(b) {
                return false
            }
            i += 1
        }
        return true
    }

    static func isURI(_ string: String, reference: Bool, international: Bool) -> Bool {
        let uri = URIReference(parsing: string)
        if uri.scheme == nil {
            guard reference else { return false }
            // A relative reference's first segment must not hold a colon (it would read as a scheme).
            if uri.authority == nil,
                let firstSegment = uri.path.split(separator: "/", omittingEmptySubsequences: false).first,
                firstSegment.contains(":")
            {
                return false
            }
        }
        if international {
            // Private-use characters (iprivate) are allowed only in the query.
            var outsideQuery = uri
            outsideQuery.query = nil
            for scalar in outsideQuery.text.unicodeScalars where !scalar.isASCII {
                let v = scalar.value
                if (0xE000...0xF8FF).contains(v) || v >= 0xF0000 || (0xFFF0...0xFFFF).contains(v) { return false }
            }
        }
        let pchar: Set<UInt8> = [58, 64]  // : @
        if let authority = uri.authority {
            var hostPort = Substring(authority)
            if let at = hostPort.lastIndex(of: "@") {
                guard validComponent(hostPort[..<at], extra: [58], international: international) else { return false }
                hostPort = hostPort[hostPort.index(after: at)...]
            }
            if hostPort.hasPrefix("[") {
                guard let close = hostPort.firstIndex(of: "]") else { return false }
                let literal = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
                guard isIPv6(String(literal)) || literal.hasPrefix("v") || literal.hasPrefix("V") else { return false }
                let rest = hostPort[hostPort.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.first == ":", rest.dropFirst().utf8.allSatisfy(isDigit) else { return false }
                }
            } else {
                var host = hostPort
                if let colon = hostPort.lastIndex(of: ":") {
                    guard hostPort[hostPort.index(after: colon)...].utf8.allSatisfy(isDigit) else { return false }
                    host = hostPort[..<colon]
                }
                guard validComponent(host, extra: [], international: international) else { return false }
            }
        }
        guard validComponent(Substring(uri.path), extra: pchar.union([47]), international: international) else {
            return false
        }
        if let query = uri.query,
            !validComponent(Substring(query), extra: pchar.union([47, 63]), international: international)
        {
            return false
        }
        if let fragment = uri.fragment,
            !validComponent(Substring(fragment), extra: pchar.union([47, 63]), international: international)
        {
            return false
        }
        return true
    }

    static func isUUID(_ string: String) -> Bool {
        let b = Array(string.utf8)
        guard b.count == 36 else { return false }
        for (index, byte) in b.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == 45 else { return false }
            } else if !isHex(byte) {
                return false
            }
        }
        return true
    }

    static func isJSONPointer(_ string: String) -> Bool {
        if string.isEmpty { return true }
        guard string.hasPrefix("/") else { return false }
        let b = Array(string.utf8)
        for (i, byte) in b.enumerated() where byte == 126 {
            guard i + 1 < b.count, b[i + 1] == 48 || b[i + 1] == 49 else { return false }
        }
        return true
    }

    static func isRelativeJSONPointer(_ string: String) -> Bool {
        let b = Array(string.utf8)
        var i = 0
        while i < b.count, isDigit(b[i]) { i += 1 }
        guard i > 0, i == 1 || b[0] != 48 else { return false }
        let rest = String(decoding: b[i...], as: UTF8.self)
        return rest == "#" || isJSONPointer(rest)
    }

    static func isURITemplate(_ string: String) -> Bool {
        var inExpression = false
        var expression = ""
        for character in string {
            if inExpression {
                if character == "}" {
                    guard isTemplateExpression(expression) else { return false }
                    inExpression = false
                    expression = ""
                } else if character == "{" {
                    return false
                } else {
                    expression.append(character)
                }
            } else if character == "{" {
                inExpression = true
            } else if character == "}" {
                return false
            } else if let scalar = character.unicodeScalars.first,
                scalar.value <= 0x20 || scalar.value == 0x7F
                    || "\"<>\\^`|".unicodeScalars.contains(scalar)
            {
                return false
            }
        }
        return !inExpression
    }

    private static func isTemplateExpression(_ text: String) -> Bool {
        var body = Substring(text)
        if let first = body.first, "+#./;?&=,!@|".contains(first) { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        for variable in body.split(separator: ",", omittingEmptySubsequences: false) {
            var name = variable
            if name.hasSuffix("*") {
                name = name.dropLast()
            } else if let colon = name.firstIndex(of: ":") {
                let length = name[name.index(after: colon)...]
                guard !length.isEmpty, length.count <= 4, length.utf8.allSatisfy(isDigit), length.first != "0" else {
                    return false
                }
                name = name[..<colon]
            }
            guard !name.isEmpty, !name.contains(".."), name.first != ".", name.last != ".",
                name.utf8.allSatisfy({ isAlpha($0) || isDigit($0) || $0 == 95 || $0 == 46 || $0 == 37 })
            else { return false }
        }
        return true
    }
}
