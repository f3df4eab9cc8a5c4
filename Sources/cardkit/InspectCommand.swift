import ArgumentParser
import CardKit
import Foundation

/// `cardkit inspect`: what each file is and what it holds.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the container, spec, name, field and lorebook counts, and warnings of each card.",
        discussion: Examples.text(for: "inspect")
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var output: FormatOption

    @Flag(help: "One aligned line per input: container, spec, warnings, name, path.")
    var brief = false

    @Flag(help: .hidden) var json = false

    @OptionGroup var global: GlobalOptions

    @OptionGroup var parallel: JobsOption

    func run() async throws {
        let (inputs, missing) = try input.collect()
        let printer = RecordPrinter(format: json ? .jsonl : output.format)
        missing.forEach { printer.emit(failure: $0, command: "inspect") }
        let options = input.loadOptions
        OrderedParallel.forEach(inputs, jobs: parallel.jobs, work: { CardInspector.inspect($0, options: options) }) {
            _, inspection in
            if case .failure(let error) = inspection {
                printer.emit(failure: error, command: "inspect")
                return
            }
            printer.emit(RunRecord(inspection: inspection)) {
                Console.output(brief ? Self.briefLine(inspection) : Self.text(inspection))
            }
        }
        try printer.finish()
    }

    /// The full text of a card or book.
    private static func text(_ inspection: InspectionRecord) -> String {
        switch inspection {
        case .card(let summary): summary.text
        case .lorebook(let summary): summary.text
        case .failure(let error): error.description
        }
    }

    /// `png   v2  1 warning    Walter White  path`: columns aligned, the path last.
    private static func briefLine(_ inspection: InspectionRecord) -> String {
        func column(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text.padding(toLength: width, withPad: " ", startingAt: 0)
        }
        switch inspection {
        case .card(let summary):
            let warnings = summary.loaded.diagnostics.filter { $0.severity >= .warning }.count
            return column(summary.loaded.container.rawValue, 6) + column(summary.loaded.card.spec.rawValue, 4)
                + column(Console.count(warnings, "warning"), 12) + column(summary.loaded.card.name, 28)
                + summary.loaded.path
        case .lorebook(let summary):
            let warnings = summary.diagnostics.filter { $0.severity >= .warning }.count
            return column("book", 6) + column(summary.shape, 4) + column(Console.count(warnings, "warning"), 12)
                + column(summary.book.name ?? "(\(summary.book.entries.count) entries)", 28)
                + summary.path
        case .failure(let error): return error.description
        }
    }
}
