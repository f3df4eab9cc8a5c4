import CardKitJSON
import CardPlatforms
package import Foundation

/// Maps each platform's error answers into ``UploadError`` (providers.md §7.2 "Error decoders").
///
/// | Platform | Bodies accepted |
/// |---|---|
/// | Spicychat | `{message}`, `{error}`, plain text |
/// | Chattr | `{code, message, retry_after_seconds?}`, `{error}`, plain text |
/// | NextChat | `{error: {code, message, details?, timestamp, requestId}}`, upstream `{error: true, msg}` |
///
/// The kind comes from the platform code when there is one, else from the status. The retry delay comes from the
/// `Retry-After` header, else from a body hint (`retry_after_seconds`, `retryAfter`, `error.details.retryAfter`).
package enum UploadErrorDecoder {
    /// The longest message kept from a body.
    package static let maxMessageLength = 500

    /// Decodes a non-2xx response.
    /// - Parameters:
    ///   - response: The response.
    ///   - provider: The platform that sent it.
    ///   - now: The current time, for HTTP-date `Retry-After`.
    ///   - scrub: Removes credentials from the message; applied before the message is cut to
    ///     ``maxMessageLength`` characters, so a cut never leaves the start of a secret behind.
    /// - Returns: The error.
    package static func decode(
        _ response: UploadResponse, provider: UploadPlatform, now: Date, scrub: (String) -> String = { $0 }
    ) -> UploadError {
        let status = response.status
        let json: JSONValue? =
            response.body.count <= 1 << 20 ? try? JSONParser.parse(response.body).value : nil
        var message: String?
        var code: String?
        var fields: [UploadError.FieldError] = []
        var hint: Duration?

        if let object = json?.objectValue {
            switch provider.platform {
            case .nextchat:
                if let envelope = object["error"]?.objectValue {
                    code = envelope["code"]?.stringValue
                    message = envelope["message"]?.stringValue
                    if let details = envelope["details"] {
                        fields = fieldErrors(details)
                        hint = seconds(details["retryAfter"])
                    }
                } else if object["error"]?.boolValue == true {
                    message = object["msg"]?.stringValue
                }
            case .chattr:
                code = object["code"]?.stringValue
                message = object["message"]?.stringValue ?? object["error"]?.stringValue
                hint = seconds(object["retry_after_seconds"])
                if let details = object["details"] { fields = fieldErrors(details) }
            case .spicychat:
                message =
                    object["message"]?.stringValue ?? object["error"]?.stringValue
                    ?? object["errorMessage"]?.stringValue
                if let error = object["error"]?.stringValue, error.hasPrefix("SC-") { code = error }
                if let text = object["code"]?.stringValue { code = text }
                if let details = object["details"] { fields = fieldErrors(details) }
            case .characterai:
                break  // No upload client: the generic hints below apply.
            }
            // Generic hints (ChatRoutes style), whatever the platform.
            if message == nil { message = object["message"]?.stringValue ?? object["error"]?.stringValue }
            if hint == nil { hint = seconds(object["retryAfter"]) ?? seconds(object["retry_after_seconds"]) }
        } else if !response.body.isEmpty {
            let text = String(decoding: response.body.prefix(1 << 16), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { message = text }
        }
        if let header = response.header("Retry-After"), let parsed = RetryAfter.parse(header, now: now) {
            hint = parsed
        }
        var text = scrub(message ?? "HTTP \(status)")
        if text.count > maxMessageLength { text = String(text.prefix(maxMessageLength)) + "…" }
        return make(
            kind: kind(code: code, status: status), text: text, status: status, code: code, fields: fields, hint: hint)
    }

    enum Kind { case authentication, forbidden, notFound, validation, conflict, rateLimited, server, invalid }

    /// The kind from a platform code, else from the status.
    static func kind(code: String?, status: Int) -> Kind {
        switch code?.uppercased() {
        case "UNAUTHORIZED", "ST_API_AUTH_FAILED", "SC-001-6004": return .authentication
        case "FORBIDDEN", "CHARACTER_ACCESS_DENIED", "CHARACTER_QUOTA_EXCEEDED": return .forbidden
        case "NOT_FOUND", "CHARACTER_NOT_FOUND": return .notFound
        case "INVALID_REQUEST", "CHARACTER_INVALID_DATA", "VALIDATION_ERROR": return .validation
        case "CHARACTER_VERSION_CONFLICT": return .conflict
        case "RATE_LIMIT_EXCEEDED", "ST_API_RATE_LIMITED": return .rateLimited
        case "INTERNAL_ERROR", "INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT", "ST_API_UNAVAILABLE":
            return .server
        default: break
        }
        switch status {
        case 401: return .authentication
        case 403: return .forbidden
        case 404, 410: return .notFound
        case 400, 422: return .validation
        case 409, 412: return .conflict
        case 429: return .rateLimited
        case 408, 425, 500...599: return .server
        default: return .invalid
        }
    }

    static func make(
        kind: Kind, text: String, status: Int, code: String?, fields: [UploadError.FieldError], hint: Duration?
    ) -> UploadError {
        switch kind {
        case .authentication: return .authentication(text, status: status, platformCode: code)
        case .forbidden: return .forbidden(text, status: status, platformCode: code)
        case .notFound: return .notFound(text, status: status, platformCode: code)
        case .validation: return .validation(text, fieldErrors: fields, status: status, platformCode: code)
        case .conflict: return .conflict(text, status: status, platformCode: code)
        case .rateLimited: return .rateLimited(text, retryAfter: hint, status: status, platformCode: code)
        case .server: return .server(text, status: status, platformCode: code, retryAfter: hint)
        case .invalid: return .invalidResponse("unexpected HTTP \(status): \(text)", status: status)
        }
    }

    /// Field errors from `details`: an array of `{field|path, message}` or an object `{field: message}`.
    static func fieldErrors(_ details: JSONValue) -> [UploadError.FieldError] {
        var result: [UploadError.FieldError] = []
        if let array = details.arrayValue {
            for item in array.prefix(100) {
                guard let object = item.objectValue else { continue }
                let field =
                    object["field"]?.stringValue ?? object["path"]?.stringValue ?? object["pointer"]?.stringValue
                if let field {
                    result.append(.init(field: field, message: object["message"]?.stringValue ?? "invalid"))
                }
            }
        } else if let object = details.objectValue {
            if let nested = object["fields"] { return fieldErrors(nested) }
            for (key, value) in object.prefix(100) where key != "retryAfter" {
                if let text = value.stringValue { result.append(.init(field: key, message: text)) }
            }
        }
        return result
    }

    /// A non-negative number of seconds from a JSON number or numeric string.
    static func seconds(_ value: JSONValue?) -> Duration? {
        guard let value else { return nil }
        let number: Double?
        switch value {
        case .number(let n): number = n.doubleValue
        case .string(let s): number = Double(s)
        default: number = nil
        }
        guard let number, number.isFinite, number >= 0, number < 1e9 else { return nil }
        return .milliseconds(Int64(number * 1000))
    }
}
