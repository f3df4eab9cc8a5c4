import CardKitJSON
import CardKitTestSupport
import FakeProviderServer
import Foundation
import Logging
import Testing

@testable import CardKitUpload

/// Lines and events collected from a run, from any thread.
final class UploadRunRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var storedLines: [String] = []
    private var storedEvents: [UploadEvent] = []

    var lines: [String] { lock.withLock { storedLines } }
    var events: [UploadEvent] { lock.withLock { storedEvents } }
    var text: String { lines.joined(separator: "\n") }

    func logger(_ level: Logger.Level) -> Logger {
        Logger.upload(level: level) { [self] _, line in lock.withLock { storedLines.append(line) } }
    }

    func record(_ event: UploadEvent) {
        lock.withLock { storedEvents.append(event) }
        if case .progress(let progress) = event {
            lock.withLock { storedLines.append("\(progress.outcome.status.rawValue) \(progress.outcome.path)") }
        }
    }
}

/// The summary table keeps a space between every label and its count.
@Suite struct UploadSummaryTableTests {
    @Test func notAttemptedIsSeparatedFromItsCount() {
        let summary = UploadSummary(outcomes: [], notAttempted: ["a.json"], stopReason: nil)
        #expect(summary.table == ["status        count", "not-attempted 1", "total         1"])
    }
}

/// ``UploadRun`` (the library call behind `cardkit upload`) against the loopback fakes: the outcomes the CLI tests
/// assert through the binary, asserted on the returned values.
@Suite struct UploadRunTests {
    /// A run of `kind` to `provider` on the fake, with the token in its environment and no credentials file.
    static func run(
        _ fake: RunningFakeProviders, provider: UploadPlatform = .nextchat, kind: UploadKind = .characters,
        token: String = UploadTestSupport.nextToken, state: URL?, directory: URL
    ) -> UploadRun {
        var settings = UploadSettings(provider: provider)
        settings.baseURL = fake.baseURL
        settings.environment = [
            provider.environmentVariable: token, "XDG_STATE_HOME": directory.appendingPathComponent("xdg").path,
        ]
        settings.credentialsFile = directory.appendingPathComponent("no-credentials.json")
        settings.stateFile = state
        settings.policy = UploadTestSupport.fastPolicy
        return UploadRun(settings: settings, options: UploadOptions(provider: provider, kind: kind))
    }

    @Test func cancelledMidwayThenRerunEndsWithExactlyOneOfEach() async throws {
        try await UploadTestSupport.withFake { fake in
            await fake.configure(latency: .milliseconds(5))
            let directory = try UploadTestSupport.temporaryDirectory()
            let input = try directory.appendingPathComponent("in").creatingDirectory()
            _ = try UploadFixtures.writeCards(60, in: input)
            let state = directory.appendingPathComponent("state.jsonl")
            let run = Self.run(fake, state: state, directory: directory)
            let counter = UploadRunRecorder()
            let first = Task {
                try await run.run(paths: [input.path]) { counter.record($0) }
            }
            // Cancel from outside as soon as a third of the inputs is done.
            while counter.events.count < 20 { try await Task.sleep(for: .milliseconds(5)) }
            first.cancel()
            let stopped = try await first.value
            #expect(stopped.outcomes.count + stopped.notAttempted.count == 60)
            let before = await fake.state().count("nextchat", "characters")
            #expect(before >= 20)
            #expect(before < 60)

            await fake.configure(failRate: 0.2, latency: .zero)
            var rerun = run
            rerun.settings.policy.maxAttempts = 12
            let summary = try await rerun.run(paths: [input.path])
            #expect(summary.verdict == .succeeded)
            #expect(summary.stateFile == state)
            #expect(summary.outcomes.count == 60)
            #expect(summary.count(.created) + summary.count(.unchanged) == 60)
            #expect(summary.table.last == "total         60")
            let remote = await fake.state()
            #expect(remote.count("nextchat", "characters") == 60)
            #expect(remote["stats"]?["duplicates"]?.arrayValue == [])
        }
    }

    @Test func tokenNeverAppearsAtHighestVerbosity() async throws {
        let token = "tok-\(UUID().uuidString)-SECRET"
        var configuration = UploadTestSupport.configuration(failRate: 0.3)
        configuration.spicychatToken = token
        configuration.nextchatToken = token
        try await UploadTestSupport.withFake(configuration) { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            _ = try UploadFixtures.writePersonas(20, in: directory, withAvatar: true)
            let state = directory.appendingPathComponent("state.jsonl")
            var good = Self.run(
                fake, provider: .spicychat, kind: .personas, token: token, state: state, directory: directory)
            good.settings.policy.maxAttempts = 12
            let recorder = UploadRunRecorder()
            let summary = try await good.run(paths: [directory.path], logger: recorder.logger(.trace)) {
                recorder.record($0)
            }
            #expect(summary.verdict == .succeeded)
            #expect(summary.count(.created) == 20)
            #expect(recorder.text.contains("POST /personas"))
            #expect(!recorder.text.contains(token))
            let stateText = try String(contentsOf: state, encoding: .utf8)
            #expect(!stateText.contains(token))
            #expect(stateText.split(separator: "\n").count >= 40)

            // A refused credential at the highest verbosity: the wrong token is not echoed either.
            let wrong = "tok-wrong-\(UUID().uuidString)"
            let refusedLog = UploadRunRecorder()
            let refused = try await Self.run(
                fake, token: wrong, state: directory.appendingPathComponent("state.2.jsonl"), directory: directory
            ).run(paths: [directory.path], logger: refusedLog.logger(.trace))
            #expect(refused.verdict == .providerUnavailable)
            #expect(refused.stopReason == .authentication)
            #expect(refused.stopReason?.message.hasPrefix("NextChat refused the credentials") == true)
            #expect(!refusedLog.text.contains(wrong))
            #expect(!(refused.stopReason?.description.contains(wrong) ?? true))
        }
    }

    @Test func plainHTTPToARemoteHostIsRefusedBeforeAnythingIsRead() async throws {
        let directory = try UploadTestSupport.temporaryDirectory()
        _ = try UploadFixtures.writeCards(1, in: directory)
        var settings = UploadSettings(provider: .nextchat)
        settings.baseURL = URL(string: "http://example.com")
        settings.environment = ["CARDKIT_NEXTCHAT_TOKEN": "abcd-token"]
        settings.stateFile = directory.appendingPathComponent("s")
        let run = UploadRun(settings: settings, options: UploadOptions(provider: .nextchat, kind: .characters))
        let failure = await #expect(throws: UploadRunFailure.self) { try await run.run(paths: [directory.path]) }
        #expect(failure?.stage == .connect)
        #expect(failure?.error == .insecureURL)
        #expect(failure?.error.isFatalForRun == true)
        #expect(failure?.error.remedy == .allowInsecureHTTP)
        #expect(failure?.error.message.contains("refusing plain HTTP to a host that is not loopback") == true)
        #expect(!FileManager.default.fileExists(atPath: settings.stateFile?.path ?? "/"))
    }

    @Test func aSecondRunOnALockedStateFileFailsOrWaits() async throws {
        try await UploadTestSupport.withFake { fake in
            await fake.configure(latency: .milliseconds(60))
            let directory = try UploadTestSupport.temporaryDirectory()
            let input = try directory.appendingPathComponent("in").creatingDirectory()
            _ = try UploadFixtures.writeCards(30, in: input)
            let state = directory.appendingPathComponent("state.jsonl")
            var one = Self.run(fake, state: state, directory: directory)
            one.options.concurrency = 1
            let run = one
            let started = UploadRunRecorder()
            let first = Task { try await run.run(paths: [input.path]) { started.record($0) } }
            while started.events.isEmpty { try await Task.sleep(for: .milliseconds(10)) }

            let refused = await #expect(throws: UploadRunFailure.self) { try await run.run(paths: [input.path]) }
            #expect(refused?.stage == .stateFile)
            #expect(refused?.error == .locked)
            #expect(refused?.error.remedy == .waitForLock)
            #expect(
                refused?.error.message
                    == "\(state.path): the state file is in use by another cardkit upload; wait for it to finish")

            var waiting = run
            waiting.settings.waitForLock = true
            let recorder = UploadRunRecorder()
            let waited = try await waiting.run(paths: [input.path]) { recorder.record($0) }
            let firstSummary = try await first.value
            #expect(firstSummary.count(.created) == 30)
            #expect(waited.count(.unchanged) == 30)
            #expect(waited.verdict == .succeeded)
            guard case .waitingForLock(let url) = recorder.events.first else {
                Issue.record("the first event is not the lock wait: \(recorder.events)")
                return
            }
            #expect(url == state)
            let remote = await fake.state()
            #expect(remote.count("nextchat", "characters") == 30)
            #expect(remote["stats"]?["duplicates"]?.arrayValue == [])
        }
    }

    @Test func theDefaultStateFileIsOnePerPlatformAndAccountAndMissingInputsCount() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let input = try directory.appendingPathComponent("in").creatingDirectory()
            _ = try UploadFixtures.writeCards(5, in: input)
            let missing = directory.appendingPathComponent("nope.json").path
            let recorder = UploadRunRecorder()
            let summary = try await Self.run(fake, state: nil, directory: directory).run(
                paths: [input.path, missing]
            ) { recorder.record($0) }
            #expect(summary.count(.created) == 5)
            #expect(summary.missing == [missing])
            #expect(summary.verdict == .someFailed)
            guard case .missingInput(let path) = recorder.events.first else {
                Issue.record("the first event is not the missing input: \(recorder.events)")
                return
            }
            #expect(path == missing)
            let stateFile = try #require(summary.stateFile)
            #expect(stateFile.deletingLastPathComponent().path.hasSuffix("/xdg/cardkit/uploads"))
            #expect(stateFile.lastPathComponent.hasPrefix("nextchat-"))
            #expect(stateFile.lastPathComponent.count == "nextchat-".count + 16 + ".jsonl".count)

            let again = try await Self.run(fake, state: nil, directory: directory).run(paths: [input.path])
            #expect(again.stateFile == stateFile)
            #expect(again.count(.unchanged) == 5)
            #expect(again.verdict == .succeeded)
        }
    }

    @Test(arguments: [
        (UploadSettingsError.deadline(1e30), 4, 1e30, 30.0),
        (.timeout(.infinity), 4, 120, .infinity),
        (.maxAttempts(21), 21, 120, 30),
        (.maxAttempts(0), 0, 120, 30),
    ])
    func limitsOutOfRangeAreRefused(expected: UploadSettingsError, attempts: Int, deadline: Double, timeout: Double) {
        var policy = UploadRetryPolicy()
        let before = policy.maxAttempts
        #expect(throws: expected) { try policy.setLimits(maxAttempts: attempts, deadline: deadline, timeout: timeout) }
        #expect(policy.maxAttempts == before)
    }

    @Test func deadlineNaNIsRefusedAndGoodLimitsAreSet() throws {
        var policy = UploadRetryPolicy()
        #expect(throws: UploadSettingsError.self) { try policy.setLimits(maxAttempts: 4, deadline: .nan, timeout: 30) }
        try policy.setLimits(maxAttempts: 7, deadline: 2.5, timeout: 0.25)
        #expect(policy.maxAttempts == 7)
        #expect(policy.overallDeadline == .milliseconds(2500))
        #expect(policy.requestTimeout == .milliseconds(250))
    }

    @Test func optionsAndSettingsOutOfRangeAreRefused() throws {
        var options = UploadOptions(provider: .nextchat, kind: .characters)
        options.ratePerSecond = 1e-300
        #expect(throws: UploadSettingsError.rate(1e-300)) { try options.check() }
        options.ratePerSecond = nil
        options.concurrency = 257
        #expect(throws: UploadSettingsError.concurrency(257)) { try options.check() }
        let personas = UploadOptions(provider: .nextchat, kind: .personas)
        #expect(
            throws: UploadSettingsError.unsupportedKind(.personas, provider: .nextchat, supportedBy: [.spicychat])
        ) { try personas.check() }
        #expect(
            UploadSettingsError.unsupportedKind(.personas, provider: .nextchat, supportedBy: [.spicychat]).description
                == "NextChat does not support personas (target does not support personas); only Spicychat does.")

        var settings = UploadSettings(provider: .nextchat)
        settings.authURL = URL(string: "https://auth.example")
        #expect(throws: UploadSettingsError.authURLNotApplicable(refreshing: [.spicychat])) { try settings.check() }
        settings.authURL = nil
        settings.baseURL = URL(string: "relative/path")
        #expect(throws: UploadSettingsError.baseURLNotAbsolute("relative/path")) { try settings.check() }
        var spicy = UploadSettings(provider: .spicychat)
        spicy.authURL = URL(string: "https://auth.example")
        try spicy.check()
        for error in [UploadSettingsError.concurrency(0), .rate(0), .maxAttempts(0), .authURLNotAbsolute("x")] {
            #expect(!error.description.contains("--"))
        }
    }
}
