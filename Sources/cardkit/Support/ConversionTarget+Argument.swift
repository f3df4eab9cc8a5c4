// A conformance is as visible as the type, so both modules are imported publicly here.
public import ArgumentParser
public import CardKit

extension ConversionTarget: ExpressibleByArgument {
    /// A target from its name on the command line, in any letter case.
    public init?(argument: String) { self.init(name: argument) }

    /// Every target's name, for `--help` and shell completion.
    public static var allValueStrings: [String] { allCases.map(\.name) }
}
