import CardKitJSON
import CardKitTestSupport
import Foundation
import JSONSchema

/// Reads the official JSON-Schema-Test-Suite from the shared data folder and runs its files.
enum TestSuiteSupport {
    /// `shared/data/json-schema-test-suite`.
    static let suiteRoot = SharedFixtures.root.appendingPathComponent("data/json-schema-test-suite", isDirectory: true)
    /// `shared/data/json-schema-metaschemas`.
    static let metaSchemaRoot = SharedFixtures.root.appendingPathComponent(
        "data/json-schema-metaschemas", isDirectory: true)

    /// Whether the suite is present.
    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: suiteRoot.appendingPathComponent("tests").path)
    }

    /// Why suite tests are skipped.
    static var skipReason: String {
        "skipped: JSON-Schema-Test-Suite not found at \(suiteRoot.path) (set CARDKIT_SHARED to override)"
    }

    /// The drafts we run, with their folder name and dialect.
    enum Draft: String, CaseIterable, Sendable, CustomStringConvertible {
        case draft2020_12 = "draft2020-12"
        case draft7

        var dialect: JSONSchemaDialect { self == .draft7 ? .draft7 : .draft2020_12 }
        var description: String { rawValue }
    }

    /// One test file: its draft and path relative to `tests/<draft>/`.
    struct SuiteFile: Sendable, CustomStringConvertible, Hashable {
        var draft: Draft
        var relativePath: String
        var description: String { "\(draft.rawValue)/\(relativePath)" }
        var url: URL { suiteRoot.appendingPathComponent("tests/\(draft.rawValue)/\(relativePath)") }
    }

    /// The JSON files directly in `tests/<draft>/<subfolder>` (sorted).
    static func files(_ draft: Draft, subfolder: String = "") -> [SuiteFile] {
        let folder = suiteRoot.appendingPathComponent("tests/\(draft.rawValue)/\(subfolder)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map {
            SuiteFile(draft: draft, relativePath: subfolder.isEmpty ? $0 : "\(subfolder)/\($0)")
        }
    }

    /// Every required file of both drafts.
    static var requiredFiles: [SuiteFile] { Draft.allCases.flatMap { files($0) } }
    /// Every file of `optional/` (without `optional/format/`) of both drafts.
    static var optionalFiles: [SuiteFile] { Draft.allCases.flatMap { files($0, subfolder: "optional") } }
    /// Every file of `optional/format/` of both drafts.
    static var formatFiles: [SuiteFile] { Draft.allCases.flatMap { files($0, subfolder: "optional/format") } }

    /// Parses a JSON file with the lossless parser.
    static func load(_ url: URL) throws -> JSONValue {
        try JSONParser.parse(Data(contentsOf: url)).value
    }

    /// The remotes under `http://localhost:1234/…` and the meta-schemas under their canonical `$id`.
    static let registry: SchemaRegistry = {
        var registry = SchemaRegistry()
        let remotes = suiteRoot.appendingPathComponent("remotes")
        for relative in allJSONFiles(under: remotes) {
            if let value = try? load(remotes.appendingPathComponent(relative)) {
                registry.register(value, at: "http://localhost:1234/\(relative)")
            }
        }
        for relative in allJSONFiles(under: metaSchemaRoot) {
            if let value = try? load(metaSchemaRoot.appendingPathComponent(relative)) {
                registry.register(value)
            }
        }
        return registry
    }()

    /// Relative paths of every `.json` file below `root`, sorted.
    static func allJSONFiles(under root: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var result: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".json") { result.append(path) }
        }
        return result.sorted()
    }

    /// The outcome of one file.
    struct Outcome: Sendable {
        var passed = 0
        var failures: [String] = []
        var total: Int { passed + failures.count }
    }

    /// Runs every test of a file; a test passes when the flag and basic formats both give the expected validity.
    static func run(_ file: SuiteFile, formatAssertion: Bool) throws -> Outcome {
        var options = JSONSchemaOptions(
            registry: registry, formatAssertion: formatAssertion, defaultDialect: file.draft.dialect)
        options.maxSchemaNodes = 100_000
        let compiler = JSONSchemaCompiler(options: options)
        var outcome = Outcome()
        guard case .array(let groups) = try load(file.url) else { return outcome }
        for group in groups {
            let groupName = group["description"]?.stringValue ?? "?"
            let tests = group["tests"]?.arrayValue ?? []
            let schema: CompiledSchema
            do {
                schema = try compiler.compile(group["schema"] ?? .bool(true))
            } catch {
                for test in tests {
                    outcome.failures.append(
                        "\(file) | \(groupName) | \(test["description"]?.stringValue ?? "?"): compile error \(error)")
                }
                continue
            }
            for test in tests {
                let name = "\(file) | \(groupName) | \(test["description"]?.stringValue ?? "?")"
                let expected = test["valid"]?.boolValue ?? false
                let data = test["data"] ?? .null
                let flag = schema.isValid(data)
                let basic = schema.validate(data, format: .basic)
                if flag == expected && basic.isValid == expected && (basic.isValid == basic.errors.isEmpty) {
                    outcome.passed += 1
                } else {
                    outcome.failures.append(
                        "\(name): expected \(expected), flag \(flag), basic \(basic.isValid) \(basic.errors.prefix(2).map(\.description))"
                    )
                }
            }
        }
        return outcome
    }
}
