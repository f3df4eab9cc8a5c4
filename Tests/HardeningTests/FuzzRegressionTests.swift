import CardKit
import CardKitTestSupport
import Foundation
import JSONSchema
import Testing

/// Replays every input in `Tests/HardeningTests/Fixtures/` that a fuzz target once found (a crash, a hang or an
/// excessive allocation) through the same entry points as its target, in process, and through `cardkit inspect`
/// under the memory and time limits.
///
/// A fixture is named `<target>-<what it is>.<ext>`, the target being one of `json`, `card`, `png`, `schema`,
/// `charx` (the folders of `Fuzz/`).
@Suite struct FuzzRegressionTests {
    static let fixturesDirectory = SharedFixtures.projectRoot
        .appendingPathComponent("Tests/HardeningTests/Fixtures", isDirectory: true)

    static var fixtureNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixturesDirectory.path)) ?? []
        return names.filter { $0 != "README.md" && !$0.hasPrefix(".") }.sorted()
    }

    /// Findings not fixed yet, by fixture, with the reason; they are run only through the CLI under the memory and
    /// time limits (in process they would exhaust the test's memory), as known issues.
    ///
    /// Empty: the two JSONSchema self-reference findings were fixed in 5475470.
    static let knownIssues: [String: Comment] = [:]

    @Test(arguments: fixtureNames)
    func replaysWithoutCrashing(_ name: String) throws {
        let url = Self.fixturesDirectory.appendingPathComponent(name)
        let bytes = try [UInt8](Data(contentsOf: url))
        let target = String(name.prefix { $0 != "-" })
        if let reason = Self.knownIssues[name] {
            if let sanitizer = TestSanitizer.current, sanitizer != .address {
                // No memory bound applies to a binary under this sanitizer: do not let it take the machine's memory.
                withKnownIssue(reason) { Issue.record("not run under the \(sanitizer) sanitizer (no memory limit)") }
                return
            }
            // Intermittent, so that the test does not fail while the fix is being committed; then the entry (and its
            // line in scripts/fuzz) goes and the fixture becomes an ordinary regression.
            withKnownIssue(reason, isIntermittent: true) { try Self.runCLI(url, target: target, name: name) }
            return
        }
        let clock = ContinuousClock()
        let elapsed = try clock.measure { try Self.replay(bytes, target: target) }
        #expect(elapsed < TestSanitizer.scaled(.seconds(10)), "\(name) took \(elapsed) in process")
        try Self.runCLI(url, target: target, name: name)
    }

    /// Runs the fixture through the command that reads it (`schema check` for schema pairs, else `inspect`) under the
    /// memory and time limits: it must end with exit 0 or 1, never a crash or a hang.
    static func runCLI(_ url: URL, target: String, name: String) throws {
        var arguments = ["inspect", url.path]
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cardkit-fuzz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        if target == "schema", let parsed = try? JSONParser.parse([UInt8](Data(contentsOf: url))),
            case .array(let pair) = parsed.value, pair.count == 2
        {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let schema = scratch.appendingPathComponent("schema.json")
            let instance = scratch.appendingPathComponent("instance.json")
            try Data(JSONWriter.bytes(pair[0])).write(to: schema)
            try Data(JSONWriter.bytes(pair[1])).write(to: instance)
            arguments = ["schema", "check", "--schema", schema.path, instance.path]
        }
        let run = try BoundedCLI.run(arguments, timeout: 10)
        #expect(!run.signaled && !run.timedOut, "\(name): cardkit crashed or hung: \(run.stderr.prefix(300))")
        #expect(run.status == 0 || run.status == 1, "\(name): exit \(run.status)")
    }

    /// Archives whose central directory lies past the end once trapped inside ZIPFoundation's in-memory reader
    /// (found by the `charx` and `card` fuzz targets); they are now refused with the offset named.
    @Test(arguments: ["charx-central-directory-past-end.charx", "card-central-directory-past-end.charx"])
    func centralDirectoryPastTheEndIsRefused(_ name: String) throws {
        let url = Self.fixturesDirectory.appendingPathComponent(name)
        #expect(throws: CharXError.self) { try CharXReader.read(data: Data(contentsOf: url)) }
        let run = try BoundedCLI.run(["inspect", url.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("the central directory (offset"), "\(run.stderr)")
        #expect(run.stderr.contains("is past the end"), "\(run.stderr)")
    }

    /// A large "ZIP" without an end-of-central-directory record is refused at once: ZIPFoundation would search the
    /// whole buffer for one with a seek and a buffered read per byte (found while measuring the `charx` target's
    /// speed: a 64 KiB truncated archive cost 150 ms per execution, a 4 MiB one 2.5 s in a debug build).
    @Test func missingEndRecordIsRefusedQuickly() throws {
        let data = Data([0x50, 0x4B, 0x03, 0x04]) + Data(count: 16 << 20)
        let clock = ContinuousClock()
        var thrown: CharXError?
        let elapsed = clock.measure {
            do { _ = try CharXReader.read(data: data) } catch let error as CharXError { thrown = error } catch {}
        }
        #expect(
            thrown?.description.contains("no end-of-central-directory record") == true, "\(String(describing: thrown))")
        #expect(elapsed < TestSanitizer.scaled(.seconds(2)), "\(elapsed)")
    }

    @Test func everyFixtureNamesItsTarget() {
        for name in Self.fixtureNames {
            let target = String(name.prefix { $0 != "-" })
            #expect(["json", "card", "png", "schema", "charx"].contains(target), "\(name) names no fuzz target")
        }
    }

    /// What `Fuzz/<target>/main.swift` does with one input, with its properties as expectations.
    static func replay(_ bytes: [UInt8], target: String) throws {
        switch target {
        case "json":
            var options = JSONParseOptions()
            options.maxDepth = 256
            guard let parsed = try? JSONParser.parse(bytes, options: options) else { return }
            for style in [JSONWriter.Style.compact, .pretty(indent: 2)] {
                let reparsed = try JSONParser.parse(JSONWriter.bytes(parsed.value, style: style), options: options)
                #expect(reparsed.value == parsed.value)
            }
        case "card":
            var strict = CardReadOptions()
            strict.strict = true
            _ = try? CardReader.read(bytes, options: strict)
            guard let loaded = try? CardFileLoader.load(data: Data(bytes), path: "fixture") else { return }
            let v3 = loaded.card.converted(to: .v3)
            let back = v3.card.converted(to: .v2).card.converted(to: .v3)
            #expect(back.card.json == v3.card.json)
            _ = try CardReader.read(JSONWriter.bytes(v3.card.json))
        case "png":
            _ = try? PNGCardReader.read(bytes)
            _ = try? PNGCardReader.scan(bytes, options: .lenient)
            _ = try? PNGImageCheck.check(
                bytes, options: .lenient, decodeImage: bytes.count < 64 << 10, maxPixels: 1 << 16)
        case "schema":
            guard let parsed = try? JSONParser.parse(bytes) else { return }
            var schema = parsed.value
            var instance = parsed.value
            if case .array(let pair) = parsed.value, pair.count == 2 {
                schema = pair[0]
                instance = pair[1]
            }
            for dialect in [JSONSchemaDialect.draft2020_12, .draft7] {
                var options = JSONSchemaOptions()
                options.defaultDialect = dialect
                options.formatAssertion = true
                options.maxSchemaNodes = 5_000
                guard let compiled = try? JSONSchemaCompiler(options: options).compile(schema) else { continue }
                #expect(compiled.isValid(instance) == compiled.validate(instance).isValid)
            }
        case "charx":
            var options = CharXReadOptions()
            options.limits.maxTotalUncompressedBytes = 64 << 20
            options.limits.maxEntryUncompressedBytes = 32 << 20
            options.limits.maxCardJSONBytes = 16 << 20
            _ = try? CharXReader.read(data: Data(bytes), options: options)
        default:
            Issue.record("unknown fuzz target \(target)")
        }
    }
}
