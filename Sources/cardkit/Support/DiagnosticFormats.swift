public import ArgumentParser
public import CardKit
import Foundation

extension ValidationOutputStyle: ExpressibleByArgument {
    /// A style from its name on the command line, in any letter case.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// Prints validation records in the chosen format and decides the exit status.
///
/// `text`, `json` and `github` print each record as soon as it is made; `sarif` collects them and prints one
/// log at the end. The report goes to standard output; a one-line summary goes to standard error when more
/// than one file was checked in text format.
final class ValidationPrinter {
    let style: ValidationOutputStyle
    private var records: [ValidationRecord] = []
    private(set) var validCount = 0
    private(set) var invalidCount = 0

    init(style: ValidationOutputStyle) {
        self.style = style
    }

    /// Prints (or keeps, for SARIF) one record.
    func emit(_ record: ValidationRecord) {
        if record.isValid { validCount += 1 } else { invalidCount += 1 }
        if style.isStreaming {
            let text = ValidationReportRenderer.render(record, style: style)
            if !text.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
        } else {
            records.append(record)
        }
    }

    /// Prints what was kept, and throws the exit status: 0 when every file was valid, 1 otherwise.
    func finish() throws {
        if style == .sarif {
            let log = ValidationReportRenderer.sarif(records, toolVersion: CardKitCommand.configuration.version)
            FileHandle.standardOutput.write(Data(log.utf8))
        }
        let total = validCount + invalidCount
        if style == .text, total > 1 {
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
