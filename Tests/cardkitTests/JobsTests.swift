import CardKit
import CardKitTestSupport
import Foundation
import Testing

private let samples = SharedFixtures.samplesDirectory

/// `--jobs N` changes nothing but the speed: the same output, files and exit status as one job.
@Suite(.serialized) struct JobsTests {
    /// The shared cards and the samples, in one folder walk.
    static var folders: [String] {
        SharedFixtures.isAvailable ? [SharedFixtures.cardsDirectory.path, samples.path] : [samples.path]
    }

    @Test(arguments: [
        ["inspect"], ["inspect", "--format", "jsonl"], ["inspect", "--brief"], ["validate"],
        ["validate", "--format", "json"], ["validate", "--strict", "--format", "jsonl"],
        ["extract", "--format", "json"],
    ])
    func aBatchGivesTheSameOutputWithOneJobAndWithFour(command: [String]) throws {
        var arguments = command + Self.folders
        if command.first == "extract" {
            let out = try SharedFixtures.makeTemporaryDirectory()
            arguments += ["--out-dir", out.path]
        }
        let one = try CLI.run(arguments + ["--jobs", "1"])
        if command.first == "extract" { arguments[arguments.count - 1] += "-4" }
        let four = try CLI.run(arguments + ["--jobs", "4"])
        #expect(one.status == four.status)
        let normalized = four.stdoutText.replacingOccurrences(of: "-4/", with: "/")
        #expect(one.stdoutText == normalized)
        #expect(one.stderr == four.stderr.replacingOccurrences(of: "-4/", with: "/"))
        #expect(!one.stdout.isEmpty)
    }

    @Test func convertWritesTheSameFilesWithOneJobAndWithFour() throws {
        let root = try SharedFixtures.makeTemporaryDirectory()
        var outputs: [[String: Data]] = []
        var runs: [CLIRun] = []
        for jobs in ["1", "4"] {
            let out = root.appendingPathComponent("out")
            try? FileManager.default.removeItem(at: out)
            let run = try CLI.run(
                ["convert"] + Self.folders + ["--to", "charx", "--out-dir", out.path, "--jobs", jobs, "-v"])
            runs.append(run)
            var files: [String: Data] = [:]
            for name in try FileManager.default.subpathsOfDirectory(atPath: out.path) {
                let url = out.appendingPathComponent(name)
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                    files[name] = try Data(contentsOf: url)
                }
            }
            outputs.append(files)
        }
        #expect(runs[0].status == runs[1].status)
        #expect(runs[0].stderr == runs[1].stderr)
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].count >= 3)
    }

    @Test func jobsOutOfRangeIsAUsageError() throws {
        let run = try CLI.run(["inspect", samples.path, "--jobs", "0"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--jobs takes 1 to 256"))
    }
}
