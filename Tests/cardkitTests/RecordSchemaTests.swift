import CardKit
import CardKitJSON
import CardKitTestSupport
import Foundation
import JSONSchema
import Testing

private let samples = SharedFixtures.samplesDirectory

/// Every command's `--format json` and `jsonl` output, checked against `schemas/cli-record.json` with our own
/// validator.
@Suite(.serialized) struct RecordSchemaTests {
    /// The record schema, compiled from the file on disk.
    static func compiledSchema() throws -> CompiledSchema {
        let url = SharedFixtures.projectRoot.appendingPathComponent("schemas/cli-record.json")
        return try JSONSchemaCompiler().compile(bytes: [UInt8](Data(contentsOf: url)))
    }

    /// The records in a JSON lines output.
    static func lines(_ run: CLIRun) throws -> [JSONValue] {
        try run.stdoutText.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)).value }
    }

    /// Asserts every record conforms, and returns them.
    @discardableResult
    static func check(_ records: [JSONValue], command: String) throws -> [JSONValue] {
        let schema = try compiledSchema()
        #expect(!records.isEmpty, "\(command) printed no record")
        for record in records {
            let result = schema.validate(record)
            #expect(result.isValid, "\(command): \(JSONWriter.string(record)) \(result.errors.map(\.message))")
            #expect(record[command] != nil, "\(command): no '\(command)' object")
        }
        return records
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ck-r-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func inspectRecords() throws {
        let run = try CLI.run(["inspect", "--format", "jsonl", samples.path])
        #expect(run.status == 1)
        let records = try Self.check(try Self.lines(run), command: "inspect")
        #expect(records.count == 5)
        let broken = records.first { $0["path"]?.stringValue?.hasSuffix("broken-truncated.json") == true }
        #expect(broken?["ok"] == .bool(false))
        #expect(broken?["kind"]?.stringValue == "unknown")
        #expect(broken?["diagnostics"]?[0]?["code"]?.stringValue == "invalid-json")
        let alias = try CLI.run(["inspect", "--json", samples.appendingPathComponent("v1-lighthouse-keeper.json").path])
        #expect(try Self.check(try Self.lines(alias), command: "inspect").first?["kind"]?.stringValue == "card")
    }

    @Test func editAndStripRecords() throws {
        let folder = try Self.folder()
        let card = samples.appendingPathComponent("v1-lighthouse-keeper.json").path
        let edited = folder.appendingPathComponent("e.json").path
        let edit = try CLI.run(["edit", card, "--add-tag", "sea", "-o", edited, "--format", "jsonl"])
        #expect(edit.status == 0, "\(edit.stderr)")
        let editRecords = try Self.check(try Self.lines(edit), command: "edit")
        #expect(editRecords.first?["edit"]?["changed"] == .bool(true))
        #expect(editRecords.first?["edit"]?["output"]?.stringValue == edited)
        let same = try CLI.run(["edit", card, "--add-tag", "original", "-o", edited, "--format", "json"])
        let sameRecords = try JSONParser.parse([UInt8](same.stdout)).value.arrayValue ?? []
        #expect(try Self.check(sameRecords, command: "edit").first?["edit"]?["changed"] == .bool(false))
        let broken = try CLI.run([
            "edit", samples.appendingPathComponent("broken-truncated.json").path, "--add-tag", "x", "-o",
            folder.appendingPathComponent("b.json").path, "--format", "jsonl",
        ])
        #expect(broken.status == 1)
        #expect(try Self.check(try Self.lines(broken), command: "edit").first?["ok"] == .bool(false))

        let png = folder.appendingPathComponent("k.png").path
        #expect(try CLI.run(["convert", card, "--to", "png", "-o", png]).status == 0)
        let image = folder.appendingPathComponent("image.png").path
        let strip = try CLI.run(["strip", png, "-o", image, "--format", "jsonl"])
        #expect(strip.status == 0, "\(strip.stderr)")
        let stripRecords = try Self.check(try Self.lines(strip), command: "strip")
        #expect(stripRecords.first?["strip"]?["removed"] == ["chara", "ccv3"])
        let toTerminal = try CLI.run(["strip", png, "-o", "-", "--format", "jsonl"])
        #expect(toTerminal.status == 2)
    }

    @Test func personasImportRecord() throws {
        let root = try Self.folder()
        let avatars = root.appendingPathComponent("User Avatars")
        try FileManager.default.createDirectory(at: avatars, withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]).write(
            to: avatars.appendingPathComponent("a.png"))
        let settings = root.appendingPathComponent("settings.json")
        try Data(#"{"power_user":{"personas":{"a.png":"Alice","b.png":"Bob"},"persona_descriptions":{}}}"#.utf8)
            .write(to: settings)
        let out = root.appendingPathComponent("out").path
        let run = try CLI.run(["personas", "import", settings.path, "--out-dir", out, "--format", "jsonl"])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try Self.check(try Self.lines(run), command: "personas")
        #expect(records.count == 1)
        let imported = records[0]["personas"]?["imported"]?.arrayValue ?? []
        #expect(imported.map { $0["name"]?.stringValue } == ["Alice", "Bob"])
        #expect(imported.map { $0["avatar"] } == [.bool(true), .bool(false)])
        #expect(imported.first?["output"]?.stringValue == out + "/Alice.persona.json")
        let missing = try CLI.run([
            "personas", "import", "/nonexistent/settings.json", "--out-dir", out, "--format", "json",
        ])
        #expect(missing.status == 1)
        let failed = try JSONParser.parse([UInt8](missing.stdout)).value.arrayValue ?? []
        #expect(try Self.check(failed, command: "personas").first?["ok"] == .bool(false))
    }

    @Test func validateRecordsAsOneDocument() throws {
        let run = try CLI.run(["validate", "--format", "json", samples.path])
        #expect(run.status == 1)
        let document = try JSONParser.parse([UInt8](run.stdout)).value
        let records = try Self.check(document.arrayValue ?? [], command: "validate")
        #expect(records.count == 5)
        let keeper = records.first { $0["path"]?.stringValue?.hasSuffix("v1-lighthouse-keeper.json") == true }
        #expect(keeper?["ok"] == .bool(true))
        #expect(keeper?["validate"]?["schema"]?.stringValue == "v1")
        let jsonl = try CLI.run(["validate", "--format", "jsonl", samples.path])
        #expect(try Self.lines(jsonl) == records)
    }

    @Test func schemaCheckAndListRecords() throws {
        let check = try CLI.run([
            "schema", "check", "--schema", "v2", "--format", "jsonl",
            samples.appendingPathComponent("v2-archivist-with-lorebook.json").path,
        ])
        #expect(check.status == 0)
        try Self.check(try Self.lines(check), command: "schema")
        let list = try CLI.run(["schema", "list", "--format", "jsonl"])
        #expect(list.status == 0)
        let records = try Self.check(try Self.lines(list), command: "schema")
        #expect(records.allSatisfy { $0["kind"]?.stringValue == "schema" })
    }

    @Test func convertExtractAndEmbedRecords() throws {
        let out = try Self.folder()
        let convert = try CLI.run(["convert", samples.path, "--to", "v3", "--out-dir", out.path, "--format", "jsonl"])
        #expect(convert.status == 1)
        let records = try Self.check(try Self.lines(convert), command: "convert")
        #expect(records.count == 5)
        #expect(records.filter { $0["ok"] == .bool(true) }.count == 4)
        let png = out.appendingPathComponent("keeper.png")
        let toPNG = try CLI.run([
            "convert", samples.appendingPathComponent("v1-lighthouse-keeper.json").path, "--to", "png", "-o", png.path,
            "--format", "json",
        ])
        #expect(toPNG.status == 0)
        let document = try JSONParser.parse([UInt8](toPNG.stdout)).value
        #expect(
            try Self.check(document.arrayValue ?? [], command: "convert").first?["convert"]?["output"]?.stringValue
                == png.path)
        let extract = try CLI.run([
            "extract", png.path, "--out-dir", out.appendingPathComponent("x").path, "--format", "jsonl",
        ])
        #expect(extract.status == 0)
        try Self.check(try Self.lines(extract), command: "extract")
        let embed = try CLI.run([
            "embed", samples.appendingPathComponent("v2-archivist-with-lorebook.json").path, png.path, "-o",
            out.appendingPathComponent("e.png").path, "--format", "jsonl",
        ])
        #expect(embed.status == 0)
        #expect(
            try Self.check(try Self.lines(embed), command: "embed").first?["embed"]?["name"]?.stringValue
                == "Archivist Pell")
    }

    /// Whether this build has `cardkit upload` (not with CARDKIT_SKIP_UPLOAD).
    static var hasUpload: Bool { (try? CLI.run(["--help"]).stdoutText.contains("\n  upload ")) == true }

    @Test(.enabled(if: hasUpload)) func uploadRecordsAndQuiet() throws {
        let state = try Self.folder()
        let arguments = [
            "upload", "characters", samples.appendingPathComponent("v1-lighthouse-keeper.json").path,
            samples.appendingPathComponent("broken-truncated.json").path, "--provider", "NextChat", "--dry-run",
            "--base-url", "http://127.0.0.1:1", "--state", state.appendingPathComponent("s.jsonl").path, "--format",
            "jsonl", "-q",
        ]
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.environment = ["CARDKIT_NEXTCHAT_TOKEN": "fake", "HOME": state.path, "PATH": "/usr/bin:/bin"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let records = try String(decoding: stdout, as: UTF8.self).split(separator: "\n").map {
            try JSONParser.parse(Array($0.utf8)).value
        }
        try Self.check(records, command: "upload")
        #expect(records.map { $0["upload"]?["status"]?.stringValue } == ["planned", "invalid"])
        // -q: the error only, no progress line.
        #expect(
            stderr
                == "cardkit: \(samples.path)/broken-truncated.json: error: invalid JSON: line 1, column 137 (byte 136): the document ends before it is complete (truncated?)\n"
        )
    }

    @Test func filesFromStandardInputWithNULSeparatorsStreamsRecords() throws {
        let names = ["v1-lighthouse-keeper.json", "broken-truncated.json", "v2-archivist-with-lorebook.json"]
        let list = names.map { samples.appendingPathComponent($0).path + "\u{0}" }.joined()
        let run = try CLI.run(["validate", "--files-from", "-", "-0", "--format", "jsonl"], stdin: Data(list.utf8))
        #expect(run.status == 1)
        let records = try Self.check(try Self.lines(run), command: "validate")
        #expect(records.map { $0["path"]?.stringValue } == names.map { samples.appendingPathComponent($0).path })
        #expect(records.map { $0["ok"] } == [.bool(true), .bool(false), .bool(true)])
        let lines = try CLI.run(
            ["inspect", "--files-from", "-", "--brief"],
            stdin: Data((samples.appendingPathComponent(names[0]).path + "\n").utf8))
        #expect(lines.status == 0)
        #expect(lines.stdoutText.hasPrefix("json  v1  1 warning   Odile Marsh"))
        let empty = try CLI.run(["validate", "--files-from", "-"], stdin: Data())
        #expect(empty.status == 2)
        #expect(empty.stderr == "cardkit: -: error: the --files-from list names no file\n")
    }

    @Test func recordsOnStandardOutputNeedAFileOutput() throws {
        let run = try CLI.run([
            "convert", samples.appendingPathComponent("v1-lighthouse-keeper.json").path, "--to", "v3", "--format",
            "jsonl",
        ])
        #expect(run.status == 2)
        #expect(
            run.stderr.hasPrefix(
                "cardkit: error: --format jsonl prints records on standard output; give -o or --out-dir.\n"))
    }
}

/// Every example in every subcommand's help runs as written in `samples/`.
@Suite(.serialized) struct HelpExampleTests {
    static let commands: [[String]] = [
        ["inspect"], ["validate"], ["convert"], ["extract"], ["embed"], ["schema", "list"], ["schema", "check"],
        ["schema", "show"], ["edit"], ["diff"], ["strip"], ["unpack"], ["pack"],
    ]

    /// The examples whose text says they exit 1 (they read the deliberately broken sample).
    static let failing: Set<String> = [
        "cardkit inspect --brief .", "cardkit validate --format jsonl .",
        "cardkit convert . --to v3 --out-dir /tmp/cards-v3 -q",
        "cardkit diff v3-cartographer-with-assets.json v1-lighthouse-keeper.json",
    ]

    @Test func everySubcommandsHelpHasExamplesThatRun() throws {
        let bin = CLI.executable.deletingLastPathComponent().path
        for command in Self.commands {
            // The unpack example writes a new folder, which the pack example reads.
            if command == ["unpack"] { try? FileManager.default.removeItem(atPath: "/tmp/k") }
            let help = try CLI.run(command + ["--help"])
            let lines = help.stdoutText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.hasPrefix("$ cardkit ") }.map { String($0.dropFirst(2)) }
            #expect(!lines.isEmpty, "\(command.joined(separator: " ")) --help has no example")
            for line in lines {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", line]
                process.currentDirectoryURL = samples
                var environment = ProcessInfo.processInfo.environment
                environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
                process.environment = environment
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                let expected: Int32 = Self.failing.contains(line) ? 1 : 0
                #expect(process.terminationStatus == expected, "\(line)")
            }
        }
    }
}
