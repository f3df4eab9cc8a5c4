import CardKitJSON
import CardKitTestSupport
import CardKitUpload
import FakeProviderServer
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `cardkit` binary next to the test bundle.
enum CardKitBinary {
    static let url: URL? = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
        ].map { $0.appendingPathComponent("cardkit") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    static var isAvailable: Bool { url != nil }

    /// Starts `cardkit` with `arguments` and `environment`, stdout and stderr to files.
    static func start(
        _ arguments: [String], environment: [String: String], output: URL, directory: URL? = nil
    ) throws -> Process {
        let process = Process()
        process.executableURL = try #require(url)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        FileManager.default.createFile(atPath: output.path + ".out", contents: nil)
        FileManager.default.createFile(atPath: output.path + ".err", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output.path + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: output.path + ".err"))
        try process.run()
        return process
    }

    /// Runs `cardkit` to completion.
    static func run(
        _ arguments: [String], environment: [String: String], output: URL, directory: URL? = nil
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try start(arguments, environment: environment, output: output, directory: directory)
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        let out = try String(contentsOfFile: output.path + ".out", encoding: .utf8)
        let err = try String(contentsOfFile: output.path + ".err", encoding: .utf8)
        return (process.terminationStatus, out, err)
    }
}

@Suite struct CLIUploadTests {
    @Test(.enabled(if: CardKitBinary.isAvailable, "the cardkit binary is not built next to the tests"))
    func runKilledMidwayThenRerunEndsWithExactlyOneOfEach() async throws {
        try await UploadTestSupport.withFake { fake in
            await fake.configure(latency: .milliseconds(15))
            let directory = try UploadTestSupport.temporaryDirectory()
            _ = try UploadFixtures.writeCards(200, in: directory.appendingPathComponent("in").creatingDirectory())
            let statePath = directory.appendingPathComponent("state.jsonl").path
            let arguments = [
                "upload", "characters", directory.appendingPathComponent("in").path, "--provider", "nextchat",
                "--base-url", fake.baseURL.absoluteString, "--state", statePath, "--concurrency", "4",
            ]
            let environment = ["CARDKIT_NEXTCHAT_TOKEN": UploadTestSupport.nextToken]
            let process = try CardKitBinary.start(
                arguments, environment: environment, output: directory.appendingPathComponent("run1"))
            // Wait until a good part is done, then kill -9 (no chance to clean up).
            let deadline = ContinuousClock.now + TestSanitizer.scaled(.seconds(60))
            while ContinuousClock.now < deadline {
                let lines = (try? String(contentsOfFile: statePath, encoding: .utf8))?.split(separator: "\n").count ?? 0
                if lines >= 120 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            let before = await fake.state().count("nextchat", "characters")
            #expect(before > 0)
            #expect(before < 200)

            await fake.configure(failRate: 0.2, latency: .zero)
            let rerun = try await CardKitBinary.run(
                arguments + ["--max-attempts", "12"], environment: environment,
                output: directory.appendingPathComponent("run2"))
            #expect(rerun.status == 0, "stderr: \(rerun.stderr.suffix(2000))")
            let state = await fake.state()
            #expect(state.count("nextchat", "characters") == 200)
            #expect(state["stats"]?["duplicates"]?.arrayValue == [])
            #expect(rerun.stdout.contains("total         200"))
        }
    }

    @Test(.enabled(if: CardKitBinary.isAvailable, "the cardkit binary is not built next to the tests"))
    func tokenNeverAppearsAtHighestVerbosity() async throws {
        let token = "tok-\(UUID().uuidString)-SECRET"
        var configuration = UploadTestSupport.configuration(failRate: 0.3)
        configuration.spicychatToken = token
        configuration.nextchatToken = token
        let fake = try await FakeProviderServer.start(configuration)
        defer { Task { await fake.stop() } }
        let directory = try UploadTestSupport.temporaryDirectory()
        _ = try UploadFixtures.writePersonas(20, in: directory, withAvatar: true)
        let statePath = directory.appendingPathComponent("state.jsonl").path
        let environment = ["CARDKIT_SPICYCHAT_TOKEN": token, "CARDKIT_NEXTCHAT_TOKEN": token]
        let good = try await CardKitBinary.run(
            [
                "upload", "personas", directory.path, "--provider", "spicychat", "--base-url",
                fake.baseURL.absoluteString,
                "--state", statePath, "-vvvv", "--max-attempts", "12",
            ],
            environment: environment, output: directory.appendingPathComponent("good"))
        #expect(good.status == 0, "stderr: \(good.stderr.suffix(2000))")
        #expect(good.stderr.contains("POST /personas"))
        // A refused credential at the highest verbosity: the wrong token must not be echoed either.
        let wrong = "tok-wrong-\(UUID().uuidString)"
        let refused = try await CardKitBinary.run(
            [
                "upload", "characters", directory.path, "--provider", "nextchat", "--base-url",
                fake.baseURL.absoluteString,
                "--state", statePath + ".2", "-vvvv",
            ],
            environment: ["CARDKIT_NEXTCHAT_TOKEN": wrong], output: directory.appendingPathComponent("refused"))
        #expect(refused.status == 3)
        let state = try String(contentsOfFile: statePath, encoding: .utf8)
        for text in [good.stdout, good.stderr, state] { #expect(!text.contains(token)) }
        for text in [refused.stdout, refused.stderr] { #expect(!text.contains(wrong)) }
        #expect(state.split(separator: "\n").count >= 40)
        await fake.stop()
    }

    @Test(.enabled(if: CardKitBinary.isAvailable, "the cardkit binary is not built next to the tests"))
    func plainHTTPToARemoteHostIsRefused() async throws {
        let directory = try UploadTestSupport.temporaryDirectory()
        _ = try UploadFixtures.writeCards(1, in: directory)
        let result = try await CardKitBinary.run(
            [
                "upload", "characters", directory.path, "--provider", "nextchat", "--base-url", "http://example.com",
                "--state", directory.appendingPathComponent("s").path,
            ],
            environment: ["CARDKIT_NEXTCHAT_TOKEN": "abcd-token"], output: directory.appendingPathComponent("insecure"))
        #expect(result.status == 3)
        #expect(result.stderr.contains("refusing plain HTTP to a host that is not loopback"))
    }
}

extension URL {
    func creatingDirectory() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
