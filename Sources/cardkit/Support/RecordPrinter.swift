import ArgumentParser
import CardKit
import Foundation

/// How a command reports on its inputs: `--format text|json|jsonl`.
enum RecordFormat: String, CaseIterable, ExpressibleByArgument {
    /// Lines for people (each command's own).
    case text
    /// One JSON document at the end: an array of records.
    case json
    /// One record per line, printed as each input finishes.
    case jsonl

    /// A format from its name, in any letter case.
    init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `--format`, for the commands that report on inputs.
struct FormatOption: ParsableArguments {
    @Option(help: "Output format: text, json (one array of records) or jsonl (one record per input, as it finishes).")
    var format: RecordFormat = .text

    /// Whether records (not text) go to standard output.
    var isMachine: Bool { format != .text }
}

/// The one record printer of every command.
///
/// Text goes through the command's own closure, JSON as records of `schemas/cli-record.json`; it counts
/// failures for the exit status.
final class RecordPrinter {
    /// The format.
    let format: RecordFormat
    private var records: [JSONValue] = []
    /// How many records were not ok.
    private(set) var failures = 0

    /// A printer for `format`.
    ///
    /// - Parameter format: The format.
    init(format: RecordFormat) { self.format = format }

    /// Prints one record: `text()` in text format, else the record as JSON.
    ///
    /// - Parameters:
    ///   - record: The record.
    ///   - text: Prints the record for people (on standard output or error), in text format only.
    func emit(_ record: RunRecord, text: () -> Void) {
        if !record.ok { failures += 1 }
        switch format {
        case .text: text()
        case .jsonl: Console.output(JSONWriter.string(record.jsonValue))
        case .json: records.append(record.jsonValue)
        }
    }

    /// Prints a failure: its line on standard error in text format, else its record.
    ///
    /// - Parameters:
    ///   - failure: The error, naming the input.
    ///   - command: The command's name.
    func emit(failure: CardFileError, command: String) {
        emit(RunRecord(failure: failure, command: command)) {
            Console.error(failure.description)
            failure.diagnostics.forEach { Console.detail($0.line(for: failure.path)) }
        }
    }

    /// Prints what was kept (the JSON array), and throws exit status 1 when any record was not ok.
    ///
    /// - Parameter extraFailures: Failures not printed as records (a report that could not be written).
    /// - Throws: `ExitCode(1)` when something failed.
    func finish(extraFailures: Int = 0) throws {
        if format == .json { Console.output(JSONWriter.string(.array(records), style: .pretty)) }
        if failures + extraFailures > 0 { throw ExitCode(ExitStatus.invalidInput) }
    }
}
