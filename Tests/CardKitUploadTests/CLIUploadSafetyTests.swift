import CardKitJSON
import CardKitTestSupport
import CardKitUpload
import FakeProviderServer
import Foundation
import Testing

/// Issue 18 "Uploads" through the built `cardkit` binary: concurrent runs on one state file, aliased inputs, and
/// the default state location.
@Suite struct CLIUploadSafetyTests {
    private static let token = ["CARDKIT_NEXTCHAT_TOKEN": UploadTestSupport.nextToken]

    /// The environment of a run whose default state folder is `directory/state`.
    private func environment(_ directory: URL) -> [String: String] {
        Self.token.merging(["XDG_STATE_HOME": directory.appendingPathComponent("state").path]) { $1 }
    }

    private func upload(_ fake: RunningFakeProviders, _ inputs: [String], _ extra: [String] = []) -> [String] {
        ["upload", "characters"] + inputs + ["--provider", "nextchat", "--base-url", fake.baseURL.absoluteString]
            + extra
    }

    @Test(.enabled(if: CardKitBinary.isAvailable, "the cardkit binary is not built next to the tests"))
    func twoConcurrentRunsOnOneStateFileNeverDuplicate() async throws {
        try await UploadTestSupport.withFake { fake in
            await fake.configure(latency: .milliseconds(60))
            let directory = try UploadTestSupport.temporaryDirectory()
            let input = try directory.appendingPathComponent("in").creatingDirectory()
            _ = try UploadFixtures.writeCards(30, in: input)
            let statePath = directory.appendingPathComponent("state.jsonl").path
            let arguments = upload(fake, [input.path], ["--state", statePath, "--concurrency", "1"])
            let first = try CardKitBinary.start(
                arguments, environment: Self.token, output: directory.appendingPathComponent("first"))
            // The first run holds the lock from before its first record until it exits.
            let deadline = ContinuousClock.now + TestSanitizer.scaled(.seconds(60))
            while ContinuousClock.now < deadline,
                ((try? String(contentsOfFile: statePath, encoding: .utf8)) ?? "").isEmpty
            {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(first.isRunning)
            let refused = try await CardKitBinary.run(
                arguments, environment: Self.token, output: directory.appendingPathComponent("refused"))
            #expect(refused.status == 4)
            #expect(
                refused.stderr
                    == "cardkit: error: \(statePath): the state file is in use by another cardkit upload; wait for it to finish, or pass --wait\n"
            )
            let waited = try await CardKitBinary.run(
                arguments + ["--wait"], environment: Self.token, output: directory.appendingPathComponent("waited"))
            first.waitUntilExit()
            #expect(first.terminationStatus == 0)
            #expect(waited.status == 0, "stderr: \(waited.stderr.suffix(2000))")
            #expect(waited.stderr.contains("\(statePath) is in use by another run; waiting for it (--wait)"))
            #expect(waited.stdout.contains("unchanged     30"))
            let state = await fake.state()
            #expect(state.count("nextchat", "characters") == 30)
            #expect(state["stats"]?["duplicates"]?.arrayValue == [])
        }
    }

    @Test(.enabled(if: CardKitBinary.isAvailable, "the cardkit binary is not built next to the tests"))
    func duplicateAndAliasedInputsCreateOneObjectEach() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let x = try directory.appendingPathComponent("x").creatingDirectory()
            let paths = try UploadFixtures.writeCards(2, in: x)
            try FileManager.default.copyItem(
                at: URL(fileURLWithPath: paths[0]), to: directory.appendingPathComponent("c.json"))
            try FileManager.default.createSymbolicLink(
                at: directory.appendingPathComponent("link.json"),
                withDestinationURL: directory.appendingPathComponent("c.json"))
            // c.json twice, c.json under ./ and absolute, a symlink to it, and the folder x as ./x and absolute.
            let inputs = [
                "c.json", "c.json", "./c.json", directory.appendingPathComponent("c.json").path, "link.json", "./x",
                x.path,
            ]
            let result = try await CardKitBinary.run(
                upload(fake, inputs), environment: environment(directory),
                output: directory.appendingPathComponent("run"), directory: directory)
            #expect(result.status == 0, "stderr: \(result.stderr.suffix(2000))")
            // c.json has the content of x/card-0.json: one object for it, one for x/card-1.json.
            let state = await fake.state()
            #expect(state.count("nextchat", "characters") == 2)
            #expect(state["stats"]?["duplicates"]?.arrayValue == [])
            #expect(result.stdout.contains("created       2"))
            #expect(result.stdout.contains("unchanged     1"))
            // The folder walk visits x once (by device and inode), so its second spelling adds no items; the four
            // other spellings of c.json are skipped as duplicates.
            #expect(result.stdout.contains("skipped       4"))
            #expect(result.stdout.contains("total         7"))
        }
    }

    @Test(.enabled(if: CardKitBinary.isAvailable, "the cardkit binary is not built next to the tests"))
    func resumingUnderAnotherSpellingOrWithANewStateFileCreatesNothing() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            _ = try UploadFixtures.writeCards(5, in: directory.appendingPathComponent("few").creatingDirectory())
            let env = environment(directory)
            let first = try await CardKitBinary.run(
                upload(fake, ["few"]), environment: env, output: directory.appendingPathComponent("one"),
                directory: directory)
            #expect(first.status == 0, "stderr: \(first.stderr.suffix(2000))")
            #expect(first.stdout.contains("created       5"))
            // The default state file lives in $XDG_STATE_HOME/cardkit/uploads, not in the working folder.
            let uploads = directory.appendingPathComponent("state/cardkit/uploads")
            let files = try FileManager.default.contentsOfDirectory(atPath: uploads.path)
            #expect(files.count == 1)
            #expect(files.first?.hasPrefix("nextchat-") == true)
            #expect(files.first?.count == "nextchat-".count + 16 + ".jsonl".count)
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".upload-state").path))

            let again = try await CardKitBinary.run(
                upload(fake, ["./few"]), environment: env, output: directory.appendingPathComponent("two"),
                directory: directory)
            #expect(again.status == 0)
            #expect(again.stdout.contains("unchanged     5"))

            // Another folder and a deleted state file: the platform lookup finds the five.
            try FileManager.default.removeItem(at: uploads)
            let elsewhere = try await CardKitBinary.run(
                upload(fake, [directory.appendingPathComponent("few").path]), environment: env,
                output: directory.appendingPathComponent("three"), directory: FileManager.default.temporaryDirectory)
            #expect(elsewhere.status == 0, "stderr: \(elsewhere.stderr.suffix(2000))")
            #expect(elsewhere.stdout.contains("unchanged     5"))
            #expect(await fake.state().count("nextchat", "characters") == 5)
        }
    }

    @Test(
        .enabled(if: CardKitBinary.isAvailable, "the cardkit binary is not built next to the tests"),
        arguments: [
            (["--deadline", "1e30"], "--deadline must be a number of seconds from 0.001 to 86400, not 1e+30."),
            (["--timeout", "inf"], "--timeout must be a number of seconds from 0.001 to 3600, not inf."),
            (["--deadline", "nan"], "--deadline must be a number of seconds from 0.001 to 86400, not nan."),
            (["--rate", "1e-300"], "--rate must be a number from 0.001 to 10000 (items per second), not 1e-300."),
        ])
    func numberOptionsOutOfRangeAreUsageErrors(option: [String], message: String) async throws {
        let directory = try UploadTestSupport.temporaryDirectory()
        _ = try UploadFixtures.writeCards(1, in: directory)
        let result = try await CardKitBinary.run(
            ["upload", "characters", directory.path, "--provider", "nextchat", "--base-url", "http://127.0.0.1:1"]
                + option, environment: environment(directory), output: directory.appendingPathComponent("run"))
        #expect(result.status == 2)
        #expect(result.stderr.contains("cardkit: error: \(message)"))
    }

    @Test(.enabled(if: CardKitBinary.isAvailable, "the cardkit binary is not built next to the tests"))
    func refusedConnectionExitsThreeAfterQuickRetries() async throws {
        let directory = try UploadTestSupport.temporaryDirectory()
        _ = try UploadFixtures.writeCards(1, in: directory)
        let port = try LoopbackHTTPServer.closedPort()
        let result = try await CardKitBinary.run(
            [
                "upload", "characters", directory.path, "--provider", "nextchat", "--base-url",
                "http://127.0.0.1:\(port)", "--state", directory.appendingPathComponent("s.jsonl").path, "-vv",
            ], environment: Self.token, output: directory.appendingPathComponent("run"))
        #expect(result.status == 3)
        #expect(result.stderr.contains("connection refused; quick retry in 0.1s"))
        #expect(result.stderr.contains("connection refused; quick retry in 0.2s"))
        #expect(result.stderr.contains("(connection refused 3 time(s); nothing listens there?)"))
    }
}
