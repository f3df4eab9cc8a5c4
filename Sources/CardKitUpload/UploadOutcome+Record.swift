package import CardKit
import CardKitJSON

extension UploadOutcome {
    /// The outcome as the record every `cardkit` command prints with `--format json|jsonl`.
    ///
    /// - Parameter kind: What was uploaded.
    /// - Returns: A record with an `upload` object: `status`, `name`, and `remote_id` and `message` when known; a
    ///   failed or invalid item carries its message as an error diagnostic coded by its status.
    package func record(kind: UploadKind) -> RunRecord {
        let ok = status != .failed && status != .invalid
        var payload: JSONObject = ["status": .string(status.rawValue), "name": .string(name)]
        if let remoteId { payload["remote_id"] = .string(remoteId) }
        if let message { payload["message"] = .string(message) }
        let diagnostics =
            ok
            ? []
            : [RunRecord.diagnostic(severity: "error", code: status.rawValue, message: message ?? status.rawValue)]
        return RunRecord(
            path: path, ok: ok, kind: kind == .personas ? "persona" : "card", diagnostics: diagnostics,
            command: "upload", payload: payload)
    }
}

extension UploadSummary {
    /// The record of an input the run never attempted (it stopped first).
    ///
    /// - Parameters:
    ///   - path: The input.
    ///   - kind: What was being uploaded.
    /// - Returns: A record that is not ok, with status `not-attempted`.
    package static func notAttemptedRecord(_ path: String, kind: UploadKind) -> RunRecord {
        RunRecord(
            path: path, ok: false, kind: kind == .personas ? "persona" : "card",
            diagnostics: [RunRecord.diagnostic(severity: "error", code: "not-attempted", message: "not attempted")],
            command: "upload", payload: ["status": "not-attempted"])
    }
}
