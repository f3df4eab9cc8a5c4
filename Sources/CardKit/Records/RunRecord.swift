import CardKitJSON
import CardModel
import CardSchemas

/// What one command made of one input: the record that `--format json|jsonl` prints, the same for every command.
///
/// Every record has `path`, `ok`, `kind` (what the input is: `card`, `lorebook`, `worldinfo`, `persona`,
/// `platform`, `schema`, or `unknown` when it could not be read) and `diagnostics` (each with `severity`, `code`,
/// `pointer`, `offset` and `message`), plus one object named after the command with what that command found. The
/// JSON Schema of a record is `schemas/cli-record.json`.
package struct RunRecord: Sendable, Hashable {
    /// The input's path, as the command line named it (`-` for standard input).
    package var path: String
    /// Whether the command succeeded for this input.
    package var ok: Bool
    /// What the input is.
    package var kind: String
    /// The diagnostics, each a JSON object of the record schema.
    package var diagnostics: [JSONValue]
    /// The command's name, the key of ``payload``.
    package var command: String
    /// What the command found or wrote, as a JSON object.
    package var payload: JSONObject

    /// A record from its parts.
    ///
    /// - Parameters:
    ///   - path: The input's path.
    ///   - ok: Whether the command succeeded for it.
    ///   - kind: What the input is.
    ///   - diagnostics: The diagnostics as record-schema objects.
    ///   - command: The command's name.
    ///   - payload: The command's own fields.
    package init(
        path: String, ok: Bool, kind: String, diagnostics: [JSONValue], command: String, payload: JSONObject = [:]
    ) {
        self.path = path
        self.ok = ok
        self.kind = kind
        self.diagnostics = diagnostics
        self.command = command
        self.payload = payload
    }

    /// The record of an input the command could not read or use.
    ///
    /// - Parameters:
    ///   - failure: Why, naming the input.
    ///   - command: The command's name.
    ///   - kind: What the input is, when that is known.
    package init(failure: CardFileError, command: String, kind: String = "unknown") {
        let error = Self.diagnostic(severity: "error", code: failure.kind.rawValue, message: failure.reason)
        self.init(
            path: failure.path, ok: false, kind: kind,
            diagnostics: [error] + failure.diagnostics.map(\.jsonValue), command: command)
    }

    /// The record of an input an authoring command (`edit`, `strip`) could not read, change or write.
    ///
    /// - Parameters:
    ///   - failure: Why, naming the input and, where it can, the JSON pointer.
    ///   - command: The command's name.
    package init(authoringFailure failure: CardAuthoringError, command: String) {
        let error = Self.diagnostic(
            severity: "error", code: failure.kind.rawValue, pointer: failure.pointer?.description,
            message: failure.reason)
        self.init(path: failure.path, ok: false, kind: "unknown", diagnostics: [error], command: command)
    }

    /// The record of `cardkit inspect`.
    ///
    /// - Parameter inspection: What ``CardInspector`` found.
    package init(inspection: InspectionRecord) {
        switch inspection {
        case .failure(let failure):
            self.init(failure: failure, command: "inspect")
        case .card(let summary):
            self.init(
                path: summary.loaded.path, ok: !summary.loaded.hasErrors, kind: "card",
                diagnostics: summary.loaded.diagnostics.map(\.jsonValue), command: "inspect",
                payload: Self.payload(of: summary.jsonValue))
        case .lorebook(let summary):
            self.init(
                path: summary.path, ok: !summary.diagnostics.contains { $0.severity == .error }, kind: "lorebook",
                diagnostics: summary.diagnostics.map(\.jsonValue), command: "inspect",
                payload: Self.payload(of: summary.jsonValue))
        }
    }

    /// The record of `cardkit validate` or `cardkit schema check`.
    ///
    /// - Parameters:
    ///   - validation: The validation's record.
    ///   - command: `validate` or `schema`.
    package init(validation: ValidationRecord, command: String = "validate") {
        var diagnostics: [JSONValue] = []
        if let failure = validation.failure {
            diagnostics.append(Self.diagnostic(severity: "error", code: "unreadable", message: failure))
        }
        for error in validation.errors {
            diagnostics.append(
                Self.diagnostic(
                    severity: "error", code: "schema", pointer: error.instanceLocation.description,
                    message: "\(error.message) [\(error.keywordLocation)]"))
        }
        var payload: JSONObject = [:]
        if let schema = validation.schema { payload["schema"] = .string(schema) }
        if let id = validation.schemaID { payload["schema_id"] = .string(id) }
        if let profile = validation.profile { payload["profile"] = .string(profile.rawValue) }
        if let container = validation.container { payload["container"] = .string(container) }
        if let reason = validation.reason { payload["reason"] = .string(reason) }
        self.init(
            path: validation.file, ok: validation.isValid, kind: Self.kind(ofSchema: validation.schema),
            diagnostics: diagnostics, command: command, payload: payload)
    }

    /// The record of `cardkit convert` for an input that converted.
    ///
    /// - Parameters:
    ///   - conversion: What ``CardConverter`` produced.
    ///   - path: The input's path.
    ///   - output: Where the output went (`-` for standard output).
    package init(conversion: ConversionResult, path: String, output: String) {
        var payload: JSONObject = [
            "target": .string(conversion.target.name), "output": .string(output), "lossy": .bool(conversion.isLossy),
        ]
        payload["report"] = conversion.reportJSON
        let kind =
            switch conversion.target {
            case .book: "lorebook"
            case .worldInfo: "worldinfo"
            default: "card"
            }
        self.init(
            path: path, ok: true, kind: kind, diagnostics: conversion.diagnostics.map(\.jsonValue),
            command: "convert", payload: payload)
    }

    /// The record of an output that could not be written.
    ///
    /// - Parameters:
    ///   - error: Why, naming the output.
    ///   - path: The input the output was made from.
    ///   - command: The command's name.
    package init(outputError error: OutputError, path: String, command: String) {
        self.init(
            path: path, ok: false, kind: "card",
            diagnostics: [Self.diagnostic(severity: "error", code: "cannot-write", message: error.description)],
            command: command, payload: ["output": .string(error.path)])
    }

    /// The record as a JSON object: `path`, `ok`, `kind`, `diagnostics` and the command's object.
    package var jsonValue: JSONValue {
        [
            "path": .string(path), "ok": .bool(ok), "kind": .string(kind), "diagnostics": .array(diagnostics),
            command: .object(payload),
        ]
    }

    /// A diagnostic object of the record schema.
    ///
    /// - Parameters:
    ///   - severity: `error`, `warning` or `note`.
    ///   - code: A stable code.
    ///   - pointer: The JSON Pointer it is about, if any.
    ///   - message: The message.
    /// - Returns: The object, with `pointer` and `offset` null when unknown.
    package static func diagnostic(severity: String, code: String, pointer: String? = nil, message: String)
        -> JSONValue
    {
        [
            "severity": .string(severity), "code": .string(code), "pointer": pointer.map(JSONValue.string) ?? .null,
            "offset": .null, "message": .string(message),
        ]
    }

    /// A summary's object without the keys the record has itself.
    private static func payload(of value: JSONValue) -> JSONObject {
        guard case .object(var object) = value else { return [:] }
        for key in ["path", "ok", "diagnostics"] { object[key] = nil }
        return object
    }

    /// What a document validated against `schema` is.
    private static func kind(ofSchema schema: String?) -> String {
        guard let schema, let name = CardSchemaName(name: schema) else { return "unknown" }
        switch name {
        case .v1, .v2, .v3: return "card"
        case .bookV2, .bookV3, .bookEntryV2, .bookEntryV3, .lorebookV3: return "lorebook"
        case .worldInfo: return "worldinfo"
        case .persona: return "persona"
        default: return "platform"
        }
    }
}
