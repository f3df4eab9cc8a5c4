import ArgumentParser
import CardKit
import Foundation

/// `cardkit diff A B`: what changed between two cards, whatever their containers.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two cards semantically (a PNG and the JSON it holds are the same card).",
        discussion: """
            Both cards are compared as V3: key order and number spelling do not count, lorebook entries are \
            matched by id (else by keys) and assets by type and name. data.modification_date is left out unless \
            --dates. Exit status: 0 the same, 1 different, 2 trouble (a file that cannot be read, a usage error).
            """
                + Examples.text(for: "diff")
    )

    /// The output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, patch
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The first card ('-' reads standard input).")
    var a: String

    @Argument(help: "The second card.")
    var b: String

    @Option(help: "text (each change, long texts as line diffs), json (records) or patch (RFC 6902, A to B).")
    var format: Format = .text

    @Flag(help: "Also compare the images (a PNG's image data, a CharX's main icon).")
    var image = false

    @Flag(help: "Also compare data.modification_date.")
    var dates = false

    @Flag(help: "Treat every leniency as an error when reading.")
    var strict = false

    @Flag(help: "Read PNG files whose chunk CRCs do not match, with a warning.")
    var lenient = false

    func validate() throws {
        if a == "-", b == "-" { throw ValidationError("Standard input can be only one of A and B.") }
    }

    func run() async throws {
        var options = CardDiffOptions()
        options.load.read.strict = strict
        if lenient { options.load.png.crcPolicy = .warn }
        options.includeModificationDate = dates
        options.compareImages = image
        let result: CardDiffResult
        do {
            result = try CardDiff.compare(CardInput(path: a), CardInput(path: b), options: options)
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
        switch format {
        case .json:
            var json = result.json
            json["a"] = .string(a)
            json["b"] = .string(b)
            Console.output(JSONWriter.string(json, style: .pretty))
        case .patch:
            Console.output(JSONWriter.string(result.patch.json, style: .pretty))
            if !result.fileChanges.isEmpty {
                Console.error(
                    "\(b): note: \(result.fileChanges.count) file change(s) cannot be written as a patch: "
                        + result.fileChanges.map(\.what).joined(separator: "; "))
            }
        case .text:
            printText(result)
        }
        if !result.isSame { throw ExitCode(1) }
    }

    private func printText(_ result: CardDiffResult) {
        guard !result.isSame else {
            Console.output("\(a) and \(b): the same card")
            return
        }
        Console.output("--- \(a)")
        Console.output("+++ \(b)")
        for change in result.changes + result.fileChanges {
            let location = change.pointer.map { " \($0.displayString)" } ?? ""
            switch change.kind {
            case .added:
                Console.output("added \(change.what)\(location)\(change.new.map { ": " + Self.excerpt($0) } ?? "")")
            case .removed:
                Console.output("removed \(change.what)\(location)\(change.old.map { ": " + Self.excerpt($0) } ?? "")")
            case .reordered:
                Console.output("reordered \(change.what)\(location)")
            case .changed:
                if let lines = change.lineDiff {
                    Console.output("changed \(change.what)\(location):")
                    lines.forEach { Console.output("    " + $0) }
                } else {
                    let old = change.old.map(Self.excerpt) ?? ""
                    let new = change.new.map(Self.excerpt) ?? ""
                    Console.output("changed \(change.what)\(location): \(old) -> \(new)")
                }
            }
        }
        Console.output("\(result.changes.count + result.fileChanges.count) difference(s)")
    }

    /// A value on one line, shortened.
    private static func excerpt(_ value: JSONValue) -> String {
        let text = JSONWriter.string(value)
        return text.count > 100 ? String(text.prefix(97)) + "..." : text
    }
}
