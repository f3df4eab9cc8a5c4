public import CardKitJSON
import Foundation
import JSONSchema

/// Renders ``ValidationRecord``s as text, JSON Lines, SARIF 2.1.0 or GitHub workflow commands.
///
/// Output is deterministic (fixed key order, records in the order given) so it can be compared with golden files.
public enum ValidationReportRenderer {
    /// The text for one record in a streaming style (every style but SARIF); each line ends with `\n`.
    /// - Parameters:
    ///   - record: The record.
    ///   - style: `.text`, `.json` or `.github`; `.sarif` renders the record as a one-record log.
    /// - Returns: The lines to print.
    public static func render(_ record: ValidationRecord, style: ValidationOutputStyle) -> String {
        switch style {
        case .text: text(record)
        case .json: jsonLine(record)
        case .github: github(record)
        case .sarif: sarif([record])
        }
    }

    // MARK: - Text

    /// Human-readable lines for one record.
    /// - Parameter record: The record.
    /// - Returns: `FILE: valid (schema, profile)`; or a summary and one `FILE[:LINE:COLUMN]: error: /pointer: message
    ///   [keyword location]` line per error; or `FILE: error: reason`.
    package static func text(_ record: ValidationRecord) -> String {
        let subject = record.container.map { "\(record.file) [\($0)]" } ?? record.file
        if let failure = record.failure {
            return "\(subject): error: \(failure)\n"
        }
        let against = schemaSummary(record)
        if record.errors.isEmpty {
            return "\(subject): valid (\(against))\n"
        }
        let count = record.errors.count
        var output = "\(subject): invalid (\(against)): \(count) error\(count == 1 ? "" : "s")\n"
        for error in record.errors {
            let position = record.positions[error.instanceLocation].map { ":\($0.line):\($0.column)" } ?? ""
            output += "\(record.file)\(position): error: \(error.instanceLocation.displayString): \(error.message) "
            output += "[\(error.keywordLocation.description)]\n"
        }
        return output
    }

    private static func schemaSummary(_ record: ValidationRecord) -> String {
        var parts = [record.schema ?? "schema"]
        if record.reason?.hasPrefix(CardValidator.flatV2Reason) == true {
            parts[0] = "v1 layout of a flat V2 card, read as V2"
        }
        if let profile = record.profile { parts.append(profile.rawValue) }
        return parts.joined(separator: ", ")
    }

    // MARK: - JSON Lines

    /// One compact JSON object (and a newline) for a record.
    ///
    /// Keys, in order: `file`, `valid`, `container` (when set), `schema`, `schemaId`, `profile` (when set), `errors`
    /// (each with `instanceLocation`, `keywordLocation`, `absoluteKeywordLocation`, `message`, and `line` and `column`
    /// when known), and `error` (when the file could not be validated).
    /// - Parameter record: The record.
    /// - Returns: The line.
    package static func jsonLine(_ record: ValidationRecord) -> String {
        JSONWriter.string(jsonValue(record)) + "\n"
    }

    /// The JSON object of ``jsonLine(_:)``.
    /// - Parameter record: The record.
    /// - Returns: The object.
    public static func jsonValue(_ record: ValidationRecord) -> JSONValue {
        var object = JSONObject()
        object["file"] = .string(record.file)
        object["valid"] = .bool(record.isValid)
        if let container = record.container { object["container"] = .string(container) }
        object["schema"] = record.schema.map { .string($0) } ?? .null
        object["schemaId"] = record.schemaID.map { .string($0) } ?? .null
        if let profile = record.profile { object["profile"] = .string(profile.rawValue) }
        object["errors"] = .array(
            record.errors.map { error in
                var object: JSONObject = [
                    "instanceLocation": .string(error.instanceLocation.description),
                    "keywordLocation": .string(error.keywordLocation.description),
                    "absoluteKeywordLocation": .string(error.absoluteKeywordLocation),
                    "message": .string(error.message),
                ]
                if let position = record.positions[error.instanceLocation] {
                    object["line"] = .number(JSONNumber(position.line))
                    object["column"] = .number(JSONNumber(position.column))
                }
                return .object(object)
            })
        if let failure = record.failure { object["error"] = .string(failure) }
        return .object(object)
    }

    // MARK: - GitHub workflow commands

    /// GitHub Actions `::error` commands: one per schema error, or one for a file that could not be validated.
    ///
    /// A valid record produces no output.
    /// - Parameter record: The record.
    /// - Returns: The command lines.
    package static func github(_ record: ValidationRecord) -> String {
        let file = escapeProperty(record.file)
        if let failure = record.failure {
            let title = escapeProperty("cardkit validate")
            return "::error file=\(file),title=\(title)::\(escapeData(record.containerPrefix + failure))\n"
        }
        var output = ""
        for error in record.errors {
            let title = escapeProperty("\(record.schema ?? "schema") \(keyword(of: error))")
            let message =
                "\(record.containerPrefix)\(error.instanceLocation.displayString): \(error.message) "
                + "(\(error.keywordLocation.description))"
            let position = record.positions[error.instanceLocation].map { ",line=\($0.line),col=\($0.column)" } ?? ""
            output += "::error file=\(file)\(position),title=\(title)::\(escapeData(message))\n"
        }
        return output
    }

    /// Escapes a workflow-command message (`%`, CR, LF).
    static func escapeData(_ text: String) -> String {
        var output = ""
        for character in text.unicodeScalars {
            switch character {
            case "%": output += "%25"
            case "\r": output += "%0D"
            case "\n": output += "%0A"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }

    /// Escapes a workflow-command property value (the message escapes plus `:` and `,`).
    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    // MARK: - SARIF

    /// The information URI of the tool in SARIF logs.
    package static let toolInformationURI = "https://cardkit.dev"

    /// A SARIF 2.1.0 log with one run for every record (pretty-printed, 2 spaces, ending in a newline).
    ///
    /// Each schema error is a result whose `ruleId` is the failing keyword (`required`, `type`, …), located at
    /// the file (`physicalLocation`) and at the JSON pointer (`logicalLocations[0].fullyQualifiedName`), with the
    /// three locations in `properties`. A file that could not be validated is a result with rule `unreadable`.
    /// - Parameters:
    ///   - records: The records, in order.
    ///   - toolVersion: The version reported for the `cardkit` driver, if any.
    /// - Returns: The log.
    public static func sarif(_ records: [ValidationRecord], toolVersion: String? = nil) -> String {
        var ruleIDs: [String] = []
        var results: [JSONValue] = []
        func rule(_ id: String) -> Int {
            if let index = ruleIDs.firstIndex(of: id) { return index }
            ruleIDs.append(id)
            return ruleIDs.count - 1
        }
        for record in records {
            if let failure = record.failure {
                let index = rule("unreadable")
                results.append(
                    result(
                        ruleID: "unreadable", ruleIndex: index, message: record.containerPrefix + failure,
                        record: record, pointer: nil, properties: nil))
                continue
            }
            for error in record.errors {
                let id = keyword(of: error)
                let index = rule(id)
                var properties = JSONObject()
                properties["schema"] = record.schema.map { .string($0) } ?? .null
                if let profile = record.profile { properties["profile"] = .string(profile.rawValue) }
                properties["instanceLocation"] = .string(error.instanceLocation.description)
                properties["keywordLocation"] = .string(error.keywordLocation.description)
                properties["absoluteKeywordLocation"] = .string(error.absoluteKeywordLocation)
                let message = "\(record.containerPrefix)\(error.instanceLocation.displayString): \(error.message)"
                results.append(
                    result(
                        ruleID: id, ruleIndex: index, message: message, record: record,
                        pointer: error.instanceLocation, properties: properties))
            }
        }
        var driver = JSONObject()
        driver["name"] = "cardkit"
        if let toolVersion { driver["version"] = .string(toolVersion) }
        driver["informationUri"] = .string(toolInformationURI)
        driver["rules"] = .array(
            ruleIDs.map { id in
                [
                    "id": .string(id),
                    "shortDescription": ["text": .string(ruleDescription(id))],
                    "defaultConfiguration": ["level": "error"],
                ]
            })
        var artifacts: [JSONValue] = []
        for record in records {
            artifacts.append(["location": ["uri": .string(artifactURI(record.file))]])
        }
        let run: JSONValue = [
            "tool": ["driver": .object(driver)],
            "artifacts": .array(artifacts),
            "results": .array(results),
        ]
        let log: JSONValue = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        ]
        return JSONWriter.string(log, style: .pretty(indent: 2)) + "\n"
    }

    private static func result(
        ruleID: String, ruleIndex: Int, message: String, record: ValidationRecord, pointer: JSONPointer?,
        properties: JSONObject?
    ) -> JSONValue {
        var location = JSONObject()
        var physical: JSONObject = ["artifactLocation": ["uri": .string(artifactURI(record.file))]]
        if let pointer, let position = record.positions[pointer] {
            physical["region"] = [
                "startLine": .number(JSONNumber(position.line)), "startColumn": .number(JSONNumber(position.column)),
            ]
        }
        location["physicalLocation"] = .object(physical)
        if let pointer {
            location["logicalLocations"] = [
                [
                    "fullyQualifiedName": .string(pointer.description.isEmpty ? "/" : pointer.description),
                    "kind": "member",
                ]
            ]
        }
        var object = JSONObject()
        object["ruleId"] = .string(ruleID)
        object["ruleIndex"] = .number(JSONNumber(ruleIndex))
        object["level"] = "error"
        object["message"] = ["text": .string(message)]
        object["locations"] = [.object(location)]
        if let properties { object["properties"] = .object(properties) }
        return .object(object)
    }

    private static func ruleDescription(_ id: String) -> String {
        id == "unreadable"
            ? "The file could not be read, parsed, or matched to a schema."
            : "The JSON Schema keyword '\(id)' failed."
    }

    /// The file as a SARIF artifact URI: a relative or absolute path with `/` separators, percent-encoded
    /// outside the URI's unreserved characters.
    static func artifactURI(_ path: String) -> String {
        var output = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "\\"):
                output += "/"
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }

    /// The failing keyword: the last token of the keyword location (`required`, `type`, `const`, …).
    static func keyword(of error: SchemaViolation) -> String {
        error.keywordLocation.tokens.last ?? "schema"
    }
}

extension ValidationRecord {
    /// `[container] ` when the JSON came from inside the file, else empty.
    var containerPrefix: String { container.map { "[\($0)] " } ?? "" }
}
