import CardKitJSON
import Foundation
import JSONSchema

/// Loads and runs the official JSON-Schema-Test-Suite (used for the "one pass over the required suite" figure).
struct SuiteRunner {
    struct Group {
        var description: String
        var schema: JSONValue
        var tests: [(description: String, data: JSONValue, valid: Bool)]
    }

    struct File {
        var draft: String
        var name: String
        var groups: [Group]
    }

    let registry: SchemaRegistry
    let files: [File]

    init(suiteRoot: URL, metaSchemaRoot: URL, subfolder: String = "") throws {
        var registry = SchemaRegistry()
        let remotes = suiteRoot.appendingPathComponent("remotes")
        for relative in Self.jsonFiles(under: remotes) {
            registry.register(
                try Self.load(remotes.appendingPathComponent(relative)), at: "http://localhost:1234/\(relative)")
        }
        for relative in Self.jsonFiles(under: metaSchemaRoot) {
            registry.register(try Self.load(metaSchemaRoot.appendingPathComponent(relative)))
        }
        self.registry = registry
        var files: [File] = []
        for draft in ["draft2020-12", "draft7"] {
            let folder = suiteRoot.appendingPathComponent("tests/\(draft)/\(subfolder)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".json") {
                guard case .array(let groups) = try Self.load(folder.appendingPathComponent(name)) else { continue }
                files.append(
                    File(
                        draft: draft, name: name,
                        groups: groups.map { group in
                            Group(
                                description: group["description"]?.stringValue ?? "",
                                schema: group["schema"] ?? .bool(true),
                                tests: (group["tests"]?.arrayValue ?? []).map {
                                    (
                                        $0["description"]?.stringValue ?? "", $0["data"] ?? .null,
                                        $0["valid"]?.boolValue ?? false
                                    )
                                })
                        }))
            }
        }
        self.files = files
    }

    static func load(_ url: URL) throws -> JSONValue { try JSONParser.parse(Data(contentsOf: url)).value }

    static func jsonFiles(under root: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var result: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".json") { result.append(path) }
        }
        return result.sorted()
    }

    /// Compiles every schema and validates every instance; returns (passed, failed descriptions) per draft.
    func run(formatAssertion: Bool = false) -> [String: (passed: Int, failures: [String])] {
        var results: [String: (passed: Int, failures: [String])] = [:]
        for file in files {
            var options = JSONSchemaOptions(
                registry: registry, formatAssertion: formatAssertion,
                defaultDialect: file.draft == "draft7" ? .draft7 : .draft2020_12)
            options.maxEvaluationDepth = 512
            let compiler = JSONSchemaCompiler(options: options)
            var entry = results[file.draft] ?? (0, [])
            for group in file.groups {
                do {
                    let schema = try compiler.compile(group.schema)
                    for test in group.tests {
                        if schema.isValid(test.data) == test.valid {
                            entry.passed += 1
                        } else {
                            let errors = schema.validate(test.data).errors.prefix(2).map(\.description)
                            entry.failures.append(
                                "\(file.draft)/\(file.name) | \(group.description) | \(test.description): expected \(test.valid) \(errors)"
                            )
                        }
                    }
                } catch {
                    for test in group.tests {
                        entry.failures.append(
                            "\(file.draft)/\(file.name) | \(group.description) | \(test.description): \(error)")
                    }
                }
            }
            results[file.draft] = entry
        }
        return results
    }
}
