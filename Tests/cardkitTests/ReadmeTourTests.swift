import CardKitTestSupport
import Foundation
import Testing

/// The README's tour runs as written: every command of its first `sh` block after "## A short tour", in a fresh
/// folder holding a copy of `samples/`, ends with the exit status its comment promises (`exit 1`, else 0).
@Suite(.serialized) struct ReadmeTourTests {
    /// The tour's command lines with their expected exit statuses.
    static func tour() throws -> [(line: String, status: Int32)] {
        let readme = try String(
            contentsOf: SharedFixtures.projectRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## A short tour").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```sh\n").dropFirst().first)
        let body = try #require(block.components(separatedBy: "```").first)
        return body.split(separator: "\n").map { line in
            let parts = line.components(separatedBy: " #")
            let command = parts[0].trimmingCharacters(in: .whitespaces)
            let comment = parts.dropFirst().joined(separator: "#")
            return (command, comment.contains("exit 1") ? 1 : 0)
        }
    }

    @Test func everyTourCommandRunsAsWritten() throws {
        let commands = try Self.tour()
        #expect(commands.count >= 15)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ck-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(
            at: SharedFixtures.samplesDirectory, to: root.appendingPathComponent("samples", isDirectory: true))
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = CLI.executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/bin")
        for (line, status) in commands {
            #expect(line.contains("cardkit "), "\(line)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", line]
            process.currentDirectoryURL = root
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == status, "\(line): \(stderr)")
        }
    }
}
