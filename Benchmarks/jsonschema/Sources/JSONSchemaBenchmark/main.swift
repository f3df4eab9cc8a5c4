// JSON Schema validation benchmark. Run through Benchmarks/jsonschema/run.sh, which also runs Python's
// jsonschema on the same files in the same run and prints the ratios.
//
//   JSONSchemaBenchmark generate DIR     writes DIR/schema.json and DIR/card.json (2,000 lorebook entries)
//   JSONSchemaBenchmark bench DIR        prints key=value figures for the card and the required suite
//   JSONSchemaBenchmark suite [SUBDIR]   runs the suite and lists failures (a debugging aid)
import CardKitJSON
import Foundation
import JSONSchema

let arguments = CommandLine.arguments
let shared =
    ProcessInfo.processInfo.environment["CARDKIT_SHARED"].map { URL(fileURLWithPath: $0) }
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../../../../shared").standardizedFileURL
let suiteRoot = shared.appendingPathComponent("data/json-schema-test-suite")
let metaRoot = shared.appendingPathComponent("data/json-schema-metaschemas")
let entries = Int(ProcessInfo.processInfo.environment["JSONSCHEMA_BENCH_ENTRIES"] ?? "") ?? 2_000

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Runs `body` repeatedly for at least `seconds` and returns (iterations, elapsed), median of `rounds` rounds.
func measure(seconds: Double, rounds: Int = 5, _ body: () -> Void) -> Double {
    var rates: [Double] = []
    for _ in 0..<rounds {
        var iterations = 0
        let start = now()
        var elapsed = 0.0
        repeat {
            body()
            iterations += 1
            elapsed = now() - start
        } while elapsed < seconds
        rates.append(Double(iterations) / elapsed)
    }
    return rates.sorted()[rates.count / 2]
}

switch arguments.count > 1 ? arguments[1] : "" {
case "generate":
    let directory = URL(fileURLWithPath: arguments.count > 2 ? arguments[2] : ".")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try Data(Workload.schemaText.utf8).write(to: directory.appendingPathComponent("schema.json"))
    let card = Workload.card(entries: entries)
    try Data(JSONWriter.bytes(card)).write(to: directory.appendingPathComponent("card.json"))
    print("wrote \(directory.path)/schema.json and card.json (\(entries) lorebook entries)")

case "bench":
    let directory = URL(fileURLWithPath: arguments.count > 2 ? arguments[2] : ".")
    let schemaValue = try JSONParser.parse(Data(contentsOf: directory.appendingPathComponent("schema.json"))).value
    let cardData = try Data(contentsOf: directory.appendingPathComponent("card.json"))
    let card = try JSONParser.parse(cardData).value
    let compiled = try JSONSchemaCompiler().compile(schemaValue)
    guard compiled.isValid(card), compiled.validate(card).isValid else {
        print("error: the generated card does not validate")
        exit(1)
    }
    print("card_bytes=\(cardData.count)")
    let compileRate = measure(seconds: 0.3) { _ = try? JSONSchemaCompiler().compile(schemaValue) }
    print("swift_compiles_per_sec=\(compileRate)")
    let flagRate = measure(seconds: 1.0) { precondition(compiled.isValid(card)) }
    print("swift_validations_per_sec=\(flagRate)")
    let basicRate = measure(seconds: 0.5) { precondition(compiled.validate(card).isValid) }
    print("swift_basic_validations_per_sec=\(basicRate)")

    // One pass over the required suite: compile every schema and validate every instance (files preloaded).
    // Measured like the card figures and like bench.py: passes repeated for at least a second per round, the
    // median of five rounds, so a pass of a few milliseconds is not at the mercy of one preemption.
    if FileManager.default.fileExists(atPath: suiteRoot.path) {
        let runner = try SuiteRunner(suiteRoot: suiteRoot, metaSchemaRoot: metaRoot)
        let results = runner.run()
        let counts = results.sorted { $0.key < $1.key }
            .map { "\($0.key):\($0.value.passed)/\($0.value.passed + $0.value.failures.count)" }
            .joined(separator: ",")
        let passRate = measure(seconds: 1.0) { _ = runner.run() }
        print("swift_suite_seconds=\(1 / passRate)")
        print("swift_suite_counts=\(counts)")
    }

case "suite":
    let subfolder = arguments.count > 2 ? arguments[2] : ""
    let runner = try SuiteRunner(suiteRoot: suiteRoot, metaSchemaRoot: metaRoot, subfolder: subfolder)
    let results = runner.run(formatAssertion: subfolder.contains("format"))
    for (draft, result) in results.sorted(by: { $0.key < $1.key }) {
        for failure in result.failures { print(failure) }
        print("\(draft): \(result.passed) passed, \(result.failures.count) failed")
    }

case "passes":
    // Times N passes over the required suite (default 20) and prints the best and the median (a profiling aid).
    let count = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20
    let runner = try SuiteRunner(suiteRoot: suiteRoot, metaSchemaRoot: metaRoot)
    var passes: [Double] = []
    for _ in 0..<count {
        let start = now()
        _ = runner.run()
        passes.append(now() - start)
    }
    passes.sort()
    print(String(format: "best %.4f s, median %.4f s over %d passes", passes[0], passes[passes.count / 2], count))

case "card":
    // Validates the generated card N times (default 20) in the flag format (a profiling aid).
    let directory = URL(fileURLWithPath: arguments.count > 2 ? arguments[2] : ".")
    let count = arguments.count > 3 ? Int(arguments[3]) ?? 20 : 20
    let schemaValue = try JSONParser.parse(Data(contentsOf: directory.appendingPathComponent("schema.json"))).value
    let card = try JSONParser.parse(Data(contentsOf: directory.appendingPathComponent("card.json"))).value
    let compiled = try JSONSchemaCompiler().compile(schemaValue)
    let start = now()
    for _ in 0..<count { precondition(compiled.isValid(card)) }
    print(String(format: "%.3f ms per validation", (now() - start) / Double(count) * 1e3))

case "micro":
    // Compiles one small schema many times (a profiling aid for the fixed cost of a compilation).
    let text =
        arguments.count > 2 ? arguments[2] : #"{"properties": {"foo": {"type": "integer"}}, "required": ["foo"]}"#
    let schemaValue = try JSONParser.parse(Array(text.utf8)).value
    let compiler = JSONSchemaCompiler()
    let count = 20_000
    let start = now()
    for _ in 0..<count { _ = try compiler.compile(schemaValue) }
    print(String(format: "%.2f us per compile", (now() - start) / Double(count) * 1e6))

case "groups":
    // The groups whose compile + validate costs the most (a profiling aid): the best of 20 runs of each.
    let runner = try SuiteRunner(suiteRoot: suiteRoot, metaSchemaRoot: metaRoot)
    var costs: [(Double, Double, String)] = []
    var total = 0.0
    for file in runner.files {
        let options = JSONSchemaOptions(
            registry: runner.registry, defaultDialect: file.draft == "draft7" ? .draft7 : .draft2020_12)
        let compiler = JSONSchemaCompiler(options: options)
        for group in file.groups {
            var compileTime = Double.infinity
            var validateTime = Double.infinity
            for _ in 0..<20 {
                let start = now()
                guard let schema = try? compiler.compile(group.schema) else { continue }
                let compiled = now()
                for test in group.tests { _ = schema.isValid(test.data) }
                compileTime = min(compileTime, compiled - start)
                validateTime = min(validateTime, now() - compiled)
            }
            guard compileTime.isFinite else { continue }
            total += compileTime + validateTime
            costs.append((compileTime, validateTime, "\(file.draft)/\(file.name) | \(group.description)"))
        }
    }
    print(String(format: "sum of best times: %.4f s over %d groups", total, costs.count))
    for (compileTime, validateTime, name) in costs.sorted(by: { $0.0 + $0.1 > $1.0 + $1.1 }).prefix(25) {
        print(String(format: "%8.1f us compile %8.1f us validate  %@", compileTime * 1e6, validateTime * 1e6, name))
    }

default:
    print(
        "usage: JSONSchemaBenchmark generate DIR | bench DIR | suite [SUBDIR] | groups | passes [N] | micro [SCHEMA] | card DIR [N]"
    )
    exit(2)
}
