import CardKit
import Foundation
import Testing

/// Kills batch conversions with SIGKILL at random moments and checks that no output is ever partial and that a
/// later run removes the temporary files the killed runs abandoned.
@Suite(.serialized)
struct CrashSafeWriteTests {
    static let inputCount = 150
    static let rounds = 6

    /// A distinct V2 card; the padding makes each file large enough that a kill can land inside a write.
    static func card(_ index: Int) -> Data {
        let padding = String(repeating: "lorem ipsum dolor sit amet ", count: 400 + index % 7 * 50)
        let json =
            #"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"Card \#(index)","description":"\#(padding)","personality":"","scenario":"","first_mes":"Hello from \#(index).","mes_example":"","creator_notes":"","system_prompt":"","post_history_instructions":"","alternate_greetings":[],"tags":[],"creator":"","character_version":"1","extensions":{}}}"#
        return Data(json.utf8)
    }

    static func inputName(_ index: Int) -> String { String(format: "card-%03d.json", index) }

    @Test func killedBatchConvertLeavesOnlyCompleteOutputs() throws {
        let root = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let inputs = root.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        for index in 0..<Self.inputCount {
            try Self.card(index).write(to: inputs.appendingPathComponent(Self.inputName(index)))
        }

        // A reference run to completion gives the expected bytes of every output and the run's duration.
        let reference = root.appendingPathComponent("reference")
        let start = Date()
        let full = try BoundedCLI.run(
            ["convert", inputs.path, "--to", "v3", "--out-dir", reference.path], timeout: 120)
        let duration = Date().timeIntervalSince(start)
        try #require(full.status == 0, "\(full.stderr)")
        var expected: [String: Data] = [:]
        for index in 0..<Self.inputCount {
            let name = Self.inputName(index)
            expected[name] = try Data(contentsOf: reference.appendingPathComponent(name))
        }

        let out = root.appendingPathComponent("out")
        var generator = SystemRandomNumberGenerator()
        var killedMidBatch = 0
        var leftoversSeen = 0
        for round in 0..<Self.rounds {
            let delay = Double.random(in: 0.05...0.95, using: &generator) * duration
            let process = try Self.startConvert(inputs: inputs, out: out)
            usleep(useconds_t(delay * 1_000_000))
            let wasRunning = process.isRunning
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if wasRunning { killedMidBatch += 1 }
            // A kill that lands before the run created the output folder leaves no folder at all.
            let names =
                FileManager.default.fileExists(atPath: out.path)
                ? try FileManager.default.contentsOfDirectory(atPath: out.path) : []
            leftoversSeen += names.filter { $0.hasPrefix(AtomicFile.temporaryPrefix) }.count
            for name in names where !name.hasPrefix(AtomicFile.temporaryPrefix) {
                let bytes = try Data(contentsOf: out.appendingPathComponent(name))
                #expect(
                    bytes == expected[name], "round \(round): \(name) is not the complete output (\(bytes.count) bytes)"
                )
            }
            // What is there is a readable V3 card.
            for name in names.filter({ !$0.hasPrefix(AtomicFile.temporaryPrefix) }).prefix(3) {
                let card = try CardReader.read([UInt8](Data(contentsOf: out.appendingPathComponent(name))))
                #expect(card.card.spec == .v3)
            }
        }
        #expect(killedMidBatch > 0, "no kill landed while the batch was running (duration \(duration) s)")

        // A later run (here: once the leftovers are older than AtomicFile.abandonedAge) completes, removes every
        // abandoned temporary file and writes every output in full.
        try ageTemporaries(in: out)
        let final = try BoundedCLI.run(["convert", inputs.path, "--to", "v3", "--out-dir", out.path], timeout: 120)
        #expect(final.status == 0, "\(final.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names.filter { $0.hasPrefix(AtomicFile.temporaryPrefix) }.isEmpty)
        #expect(names == expected.keys.sorted())
        for name in names {
            #expect(try Data(contentsOf: out.appendingPathComponent(name)) == expected[name], "\(name)")
        }
        print(
            "kill test: \(Self.rounds) rounds, \(killedMidBatch) killed mid-batch, \(leftoversSeen) temporary files seen after kills, batch \(String(format: "%.2f", duration)) s"
        )
    }

    @Test func abandonedTemporaryFilesAreRemovedByALaterRun() throws {
        let root = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("one.json")
        try Self.card(1).write(to: input)
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let stale = out.appendingPathComponent(AtomicFile.temporaryPrefix + "abc123")
        try Data("{\"spec\":".utf8).write(to: stale)
        try ageTemporaries(in: out)
        let run = try BoundedCLI.run(["convert", input.path, "--to", "v3", "--out-dir", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["one.json"])
    }

    // MARK: - In place

    @Test func inPlaceKeepsABackup() throws {
        let root = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("card.json")
        let original = Self.card(7)
        try original.write(to: input)
        let run = try BoundedCLI.run(["convert", input.path, "--to", "v3", "--in-place"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Data(contentsOf: root.appendingPathComponent("card.json.bak")) == original)
        let converted = try CardReader.read([UInt8](Data(contentsOf: input)))
        #expect(converted.card.spec == .v3)
        #expect(converted.card.name == "Card 7")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["card.json", "card.json.bak"])
    }

    @Test func inPlaceWithoutBackup() throws {
        let root = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for index in 0..<3 { try Self.card(index).write(to: root.appendingPathComponent(Self.inputName(index))) }
        let run = try BoundedCLI.run(["convert", root.path, "--to", "v3", "--in-place", "--no-backup"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == (0..<3).map(Self.inputName))
        for index in 0..<3 {
            let card = try CardReader.read(
                [UInt8](Data(contentsOf: root.appendingPathComponent(Self.inputName(index)))))
            #expect(card.card.spec == .v3)
            #expect(card.card.name == "Card \(index)")
        }
    }

    @Test func inPlaceRefusesAnotherContainerAndUsageErrors() throws {
        let root = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("card.json")
        let original = Self.card(3)
        try original.write(to: input)
        let png = try BoundedCLI.run(["convert", input.path, "--to", "png", "--in-place"])
        #expect(png.status == 1)
        #expect(png.stderr.contains("--in-place would write PNG into a .json file"), "\(png.stderr)")
        #expect(try Data(contentsOf: input) == original)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["card.json"])
        let both = try BoundedCLI.run(["convert", input.path, "--to", "v3", "--in-place", "--out-dir", root.path])
        #expect(both.status == 2)
        let stray = try BoundedCLI.run(["convert", input.path, "--to", "v3", "--no-backup"])
        #expect(stray.status == 2)
    }

    /// Killing an in-place batch leaves each input either untouched or fully converted, never partial, and each
    /// backup equal to its original.
    @Test func killedInPlaceBatchNeverLeavesAPartialFile() throws {
        let root = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let count = 80
        var originals: [String: Data] = [:]
        for index in 0..<count {
            originals[Self.inputName(index)] = Self.card(index)
            try Self.card(index).write(to: root.appendingPathComponent(Self.inputName(index)))
        }
        let process = Process()
        process.executableURL = BoundedCLI.executable
        process.arguments = ["convert", root.path, "--to", "v3", "--in-place"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(useconds_t.random(in: 100_000...400_000))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        for (name, original) in originals {
            let bytes = try Data(contentsOf: root.appendingPathComponent(name))
            if bytes != original {
                let card = try CardReader.read([UInt8](bytes))
                #expect(card.card.spec == .v3, "\(name) is neither the original nor a V3 card")
                #expect(try Data(contentsOf: root.appendingPathComponent(name + ".bak")) == original)
            }
            if let backup = try? Data(contentsOf: root.appendingPathComponent(name + ".bak")) {
                #expect(backup == original, "\(name).bak")
            }
        }
        // A later run cleans up and converts the rest (already converted files convert to themselves).
        try ageTemporaries(in: root)
        let run = try BoundedCLI.run(["convert", root.path, "--to", "v3", "--in-place", "--no-backup"], timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path)
        #expect(names.filter { $0.hasPrefix(AtomicFile.temporaryPrefix) }.isEmpty)
    }

    // MARK: - Helpers

    /// Makes every temporary file in `directory` look older than ``AtomicFile/abandonedAge``, as a run started
    /// later would find the files of a killed run.
    func ageTemporaries(in directory: URL) throws {
        let past = Date().addingTimeInterval(-2 * AtomicFile.abandonedAge)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path)
        where name.hasPrefix(AtomicFile.temporaryPrefix) {
            try FileManager.default.setAttributes(
                [.modificationDate: past], ofItemAtPath: directory.appendingPathComponent(name).path)
        }
    }

    static func startConvert(inputs: URL, out: URL) throws -> Process {
        let process = Process()
        process.executableURL = BoundedCLI.executable
        process.arguments = ["convert", inputs.path, "--to", "v3", "--out-dir", out.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func makeDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cardkit-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
