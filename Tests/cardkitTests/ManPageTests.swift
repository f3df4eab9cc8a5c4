import CardKitJSON
import CardKitTestSupport
import Foundation
import Testing

/// `docs/cardkit.1` is generated from the command model (swift-argument-parser's generate-manual plugin); this test
/// fails when a command, an option or an abstract of the built binary is missing from it.
@Suite struct ManPageTests {
    /// Every command of the dump, with its path of names.
    static func commands(_ command: JSONValue, path: [String] = []) -> [(path: [String], command: JSONValue)] {
        let name = command["commandName"]?.stringValue ?? ""
        let here = path + [name]
        let children = command["subcommands"]?.arrayValue ?? []
        return [(here, command)] + children.flatMap { commands($0, path: here) }
    }

    @Test func theManualPageIsCurrent() throws {
        let page = try String(
            contentsOf: SharedFixtures.projectRoot.appendingPathComponent("docs/cardkit.1"), encoding: .utf8)
        let dump = try CLI.run(["--experimental-dump-help"])
        let root = try #require(try JSONParser.parse([UInt8](dump.stdout)).value["command"])
        for (path, command) in Self.commands(root) {
            let label = path.joined(separator: " ")
            if let abstract = command["abstract"]?.stringValue, !abstract.isEmpty {
                #expect(page.contains(abstract), "\(label): abstract missing; regenerate docs/cardkit.1")
            }
            if let last = path.last, path.count > 1 { #expect(page.contains("Em \(last)"), "\(label)") }
            for argument in command["arguments"]?.arrayValue ?? [] where argument["shouldDisplay"] == .bool(true) {
                for name in argument["names"]?.arrayValue ?? [] where name["kind"]?.stringValue == "long" {
                    let option = name["name"]?.stringValue ?? ""
                    #expect(page.contains(" -\(option)"), "\(label) --\(option) missing; regenerate docs/cardkit.1")
                }
            }
        }
    }
}
