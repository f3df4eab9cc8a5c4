public import CardKitJSON
import JSONSchema

/// What validating one input file found: the schema errors, or the reason it could not be validated.
///
/// The CLI makes one record per input and prints it with ``ValidationReportRenderer``.
public struct ValidationRecord: Sendable, Hashable {
    /// The file as the user named it (or as found while walking a directory).
    public var file: String
    /// Where in the file the validated JSON came from, for example `PNG tEXt chunk "ccv3" (chunk 5, byte 1234)`;
    /// `nil` for a JSON file.
    public var container: String?
    /// The schema's name (`v2`) or the user's schema file; `nil` when none was reached.
    public var schema: String?
    /// The schema's `$id` or base URI.
    public var schemaID: String?
    /// The profile of a shipped card schema.
    public var profile: CardSchemaProfile?
    /// Why `auto` picked the schema.
    public var reason: String?
    /// Every failed assertion.
    public var errors: [SchemaViolation]
    /// Why the file could not be validated at all (unreadable, not JSON, no schema fits); `nil` otherwise.
    public var failure: String?
    /// Where each error's instance location starts in the file, for JSON files (not for JSON inside a
    /// container, whose lines are not the file's).
    public var positions: [JSONPointer: SourcePosition] = [:]

    /// Creates a record for a file that was validated.
    /// - Parameters:
    ///   - file: The file path.
    ///   - container: Where the JSON came from inside the file.
    ///   - report: The validation report.
    package init(file: String, container: String? = nil, report: CardValidationReport) {
        self.file = file
        self.container = container
        self.schema = report.schema
        self.schemaID = report.schemaID
        self.profile = report.profile
        self.reason = report.reason
        self.errors = report.errors
        self.failure = nil
    }

    /// Creates a record for a file that could not be validated.
    /// - Parameters:
    ///   - file: The file path.
    ///   - container: Where the JSON came from inside the file, if that much was found.
    ///   - failure: A one-line reason.
    package init(file: String, container: String? = nil, failure: String) {
        self.file = file
        self.container = container
        self.schema = nil
        self.schemaID = nil
        self.profile = nil
        self.reason = nil
        self.errors = []
        self.failure = failure
    }

    /// Whether the file was validated and had no errors.
    public var isValid: Bool { failure == nil && errors.isEmpty }
}

/// The output formats of `cardkit validate` and `cardkit schema check`.
public enum ValidationOutputStyle: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Human-readable lines: `FILE: valid (v2, strict)` or `FILE:/pointer: error: message [keyword location]`.
    case text
    /// One JSON object per file per line (JSON Lines).
    case json
    /// One SARIF 2.1.0 log for the whole run, for code-scanning tools.
    case sarif
    /// GitHub Actions workflow commands (`::error file=…::…`), one per error.
    case github

    /// The style's name as `--format` takes it (the raw value).
    public var description: String { rawValue }

    /// Whether records can be printed as they come (everything but SARIF, which is one document).
    package var isStreaming: Bool { self != .sarif }
}
