import CardKitJSON
import Foundation

/// A request as the fake's handlers see it.
struct FakeRequest: Sendable {
    var method: String
    var path: String
    var segments: [String]
    var query: [String: String]
    /// Header names lowercased.
    var headers: [String: String]
    var body: [UInt8]

    init(method: String, path: String, query: String?, headers: [String: String], body: [UInt8]) {
        self.method = method.uppercased()
        self.path = path
        self.segments = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        self.query = Self.formDecode(query ?? "")
        self.headers = headers
        self.body = body
    }

    /// Decodes `a=1&b=x+y` (a query string or an `application/x-www-form-urlencoded` body).
    static func formDecode(_ text: String) -> [String: String] {
        var parsed: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts[0].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? parts[0]
            let value =
                parts.count > 1
                ? (parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? parts[1]) : ""
            parsed[key] = value
        }
        return parsed
    }

    /// The body as a form, when it is sent as `application/x-www-form-urlencoded`.
    var form: [String: String]? {
        guard let type = header("content-type")?.lowercased(), type.hasPrefix("application/x-www-form-urlencoded")
        else {
            return nil
        }
        return Self.formDecode(String(decoding: body, as: UTF8.self))
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The Bearer token, if the Authorization header carries one.
    var bearer: String? {
        guard let value = header("authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }

    /// The body parsed as JSON, or nil when empty or invalid.
    var json: JSONValue? { body.isEmpty ? nil : try? JSONParser.parse(body).value }
}

/// An answer from a handler.
struct FakeReply: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> FakeReply {
        FakeReply(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: JSONWriter.bytes(value))
    }

    static func text(_ status: Int, _ text: String) -> FakeReply {
        FakeReply(status: status, headers: [("Content-Type", "text/plain")], body: Array(text.utf8))
    }
}

/// SplitMix64: a small seeded generator so fault injection is reproducible.
struct FakeRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum FakeTime {
    static func iso(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
