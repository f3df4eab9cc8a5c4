import ArgumentParser
import CardKit

/// `cardkit inspect`: what each file is and what it holds.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the container, spec, name, field and lorebook counts, and warnings of each card."
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print one JSON object per input (JSON lines) instead of text.")
    var json = false

    func run() async throws {
        let (inputs, missing) = try input.collect()
        var failures = 0
        func emit(_ record: InspectionRecord) {
            if record.isFailure { failures += 1 }
            if json {
                Console.output(JSONWriter.string(record.jsonValue))
                return
            }
            switch record {
            case .card(let summary): Console.output(summary.text)
            case .lorebook(let summary): Console.output(summary.text)
            case .failure(let error): Console.error(error.description)
            }
        }
        missing.forEach { emit(.failure($0)) }
        inputs.forEach { emit(CardInspector.inspect($0, options: input.loadOptions)) }
        if failures > 0 { throw ExitCode(ExitStatus.invalidInput) }
    }
}
