import CardKit
import CardKitJSON
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

    /// A PNG card with a drawn avatar, made by `convert --to png`, to embed into.
    static func drawnImage(in folder: URL) throws -> String {
        let image = folder.appendingPathComponent("image.png").path
        let run = try CLI.run(
            [
                "convert", samples.appendingPathComponent("v3-cartographer-with-assets.json").path, "--to", "png", "-o",
                image,
            ])
        #expect(run.status == 0)
        return image
    }

    @Test func embedWritesTheSameFilesWithOneJobAndWithFour() throws {
        let root = try SharedFixtures.makeTemporaryDirectory()
        let cards = try FileManager.default.contentsOfDirectory(atPath: samples.path).filter { $0.hasSuffix(".json") }
            .sorted().map { samples.appendingPathComponent($0).path }
        let image = try Self.drawnImage(in: root)
        var outputs: [[String: Data]] = []
        var runs: [CLIRun] = []
        for jobs in ["1", "4"] {
            let out = root.appendingPathComponent("out")
            try? FileManager.default.removeItem(at: out)
            let run = try CLI.run(["embed"] + cards + [image, "--out-dir", out.path, "--jobs", jobs, "-v"])
            runs.append(run)
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: out.path) {
                files[name] = try Data(contentsOf: out.appendingPathComponent(name))
            }
            outputs.append(files)
        }
        // samples/broken-truncated.json does not embed: exit status 1 with either job count, the rest written.
        #expect(runs[0].status == 1)
        #expect(runs[1].status == 1)
        #expect(runs[0].stderr == runs[1].stderr)
        #expect(runs[0].stderr.contains("embedded 4 of 5 cards into"))
        #expect(outputs[0] == outputs[1])
        #expect(
            outputs[0].keys.sorted() == [
                "malformed-wrong-types.png", "v1-lighthouse-keeper.png", "v2-archivist-with-lorebook.png",
                "v3-cartographer-with-assets.png",
            ])
        // A card of the batch gets the bytes a one-card `embed -o` writes.
        let single = root.appendingPathComponent("single.png")
        let one = try CLI.run([
            "embed", samples.appendingPathComponent("v1-lighthouse-keeper.json").path, image, "-o", single.path,
        ])
        #expect(one.status == 0)
        #expect(try Data(contentsOf: single) == outputs[0]["v1-lighthouse-keeper.png"])
    }

    @Test func embedBatchRecordsAreInInputOrderWithAnyJobs() throws {
        let root = try SharedFixtures.makeTemporaryDirectory()
        let cards = ["v3-cartographer-with-assets.json", "broken-truncated.json", "v1-lighthouse-keeper.json"]
            .map { samples.appendingPathComponent($0).path }
        let image = try Self.drawnImage(in: root)
        var lines: [[String]] = []
        for jobs in ["1", "2", "4"] {
            let out = root.appendingPathComponent("out-\(jobs)")
            let run = try CLI.run(
                ["embed"] + cards + [image, "--out-dir", out.path, "--jobs", jobs, "--format", "jsonl"])
            #expect(run.status == 1)
            lines.append(
                run.stdoutText.split(separator: "\n").map {
                    String($0).replacingOccurrences(of: "out-\(jobs)", with: "out")
                })
        }
        #expect(lines[0] == lines[1])
        #expect(lines[0] == lines[2])
        let paths = try lines[0].map { try #require(try JSONParser.parse(Array($0.utf8)).value["path"]?.stringValue) }
        #expect(paths == cards)
        #expect(lines[0].map { $0.contains("\"ok\":true") } == [true, false, true])
    }

    @Test func embedWithSeveralCardsNeedsAnOutputFolder() throws {
        let card = samples.appendingPathComponent("v1-lighthouse-keeper.json").path
        let image = try Self.drawnImage(in: try SharedFixtures.makeTemporaryDirectory())
        let run = try CLI.run(["embed", card, card, image, "-o", "/tmp/never-written.png"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("-o and --in-place take one"))
    }

    @Test func jobsOutOfRangeIsAUsageError() throws {
        let run = try CLI.run(["inspect", samples.path, "--jobs", "0"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--jobs takes 1 to 256"))
    }
}
