public import ArgumentParser
public import CardKit
import Foundation

extension ValidationOutputStyle: ExpressibleByArgument {
    /// A style from its name on the command line, in any letter case.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// `validate`'s and `schema check`'s `--format`: the record formats of every command, plus SARIF and GitHub.
enum ValidationFormat: String, CaseIterable, ExpressibleByArgument {
    /// Lines for people.
    case text
    /// One JSON array of records (`schemas/cli-record.json`).
    case json
    /// One record per line.
    case jsonl
    /// One SARIF 2.1.0 log.
    case sarif
    /// GitHub Actions workflow commands.
    case github

    /// A format from its name, in any letter case.
    init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// Prints validation records in the chosen format and decides the exit status.
///
/// `text`, `jsonl` and `github` print each record as soon as it is made; `json` and `sarif` collect them and print
/// one document at the end. The report goes to standard output; a one-line summary goes to standard error when
/// more than one file was checked in text format.
final class ValidationPrinter {
    let format: ValidationFormat
    private let command: String
    private let recordPrinter: RecordPrinter?
    private var records: [ValidationRecord] = []
    private(set) var validCount = 0
    private(set) var invalidCount = 0

    /// A printer for `format`.
    ///
    /// - Parameters:
    ///   - format: The format.
    ///   - command: The command's name, for records.
    init(format: ValidationFormat, command: String = "validate") {
        self.format = format
        self.command = command
        switch format {
        case .json: recordPrinter = RecordPrinter(format: .json)
        case .jsonl: recordPrinter = RecordPrinter(format: .jsonl)
        case .text, .sarif, .github: recordPrinter = nil
        }
    }

    /// Prints (or keeps, for SARIF and JSON) one record.
    ///
    /// - Parameter record: The record.
    func emit(_ record: ValidationRecord) {
        if record.isValid { validCount += 1 } else { invalidCount += 1 }
        switch format {
        case .json, .jsonl:
            recordPrinter?.emit(RunRecord(validation: record, command: command)) {}
        case .text, .github:
            let text = ValidationReportRenderer.render(record, style: format == .text ? .text : .github)
            if !text.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
        case .sarif:
            records.append(record)
        }
    }

    /// Prints what was kept, and throws the exit status: 0 when every file was valid, 1 otherwise.
    ///
    /// - Throws: `ExitCode(1)` when any file was invalid or unreadable.
    func finish() throws {
        if format == .sarif {
            let log = ValidationReportRenderer.sarif(records, toolVersion: CardKitCommand.configuration.version)
            FileHandle.standardOutput.write(Data(log.utf8))
        }
        try recordPrinter?.finish()
        let total = validCount + invalidCount
        if format == .text, total > 1 {
            Console.note("\(total) files: \(validCount) valid, \(invalidCount) invalid or unreadable")
        }
        if invalidCount > 0 { throw ExitCode(ExitStatus.invalidInput) }
    }
}

extension CardSchemaSelection {
    /// Resolves `--schema`, as a usage error (exit 2) when it names nothing or its file does not compile.
    static func parse(_ argument: String) throws -> CardSchemaSelection {
        do throws(CardSchemaError) {
            return try CardSchemaSelection(argument: argument)
        } catch .unknownSchema {
            let names = CardSchemaName.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--schema '\(argument)' is neither 'auto', a schema name (\(names)) nor a file.")
        } catch {
            throw ValidationError(error.description)
        }
    }
}
