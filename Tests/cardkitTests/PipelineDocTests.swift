import CardKitJSON
import CardKitTestSupport
import Foundation
import Testing

/// `docs/pipelines.md`'s sharded run gives the same records as one run over the whole corpus.
@Suite(.serialized) struct PipelineDocTests {
    @Test func shardedValidationGivesTheRecordsOfOneRun() throws {
        let doc = try String(
            contentsOf: SharedFixtures.projectRoot.appendingPathComponent("docs/pipelines.md"), encoding: .utf8)
        let line = try #require(
            doc.split(separator: "\n").first { $0.hasPrefix("find samples") && $0.contains("xargs") })
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ck-pipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(
            at: SharedFixtures.samplesDirectory, to: root.appendingPathComponent("samples", isDirectory: true))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", String(line)]
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = CLI.executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/bin")
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 123, "xargs exits 123 when a job exits 1 (the broken sample)")
        let sharded = try String(contentsOf: root.appendingPathComponent("shards.jsonl"), encoding: .utf8)
        let whole = try CLI.run(["validate", "--format", "jsonl", "samples"], in: root)
        func records(_ text: String) throws -> Set<String> {
            Set(try text.split(separator: "\n").map { JSONWriter.string(try JSONParser.parse(Array($0.utf8)).value) })
        }
        let shardedRecords = try records(sharded)
        #expect(shardedRecords.count == 5)
        #expect(shardedRecords == (try records(whole.stdoutText)))
    }
}
