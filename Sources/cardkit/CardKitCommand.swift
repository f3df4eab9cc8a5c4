import ArgumentParser

@main
struct CardKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cardkit",
        abstract: "Read, validate, convert and upload AI character cards and personas.",
        version: "0.1.0",
        subcommands: []
    )
}
