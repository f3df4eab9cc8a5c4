import CardKit
import CardKitTestSupport
import Foundation
import Testing

@Suite struct OutputWriterTests {
    private func folderWithInputs(_ names: [String]) throws -> (URL, [CardInput]) {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        var inputs: [CardInput] = []
        for name in names {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(name.utf8).write(to: url)
            inputs.append(CardInput(path: url.path, root: folder.path))
        }
        return (folder, inputs)
    }

    @Test func namesFolderOutputsAfterTheirInputsAndNumbersTakenNames() throws {
        let (folder, inputs) = try folderWithInputs(["a/b.json", "a_b.json", "c.json"])
        let out = folder.appendingPathComponent("out")
        var writer = OutputWriter(destination: .directory(out.path), inputs: RunInputs(inputs))
        try writer.prepare(for: inputs)
        var written: [WrittenOutput] = []
        for item in inputs {
            written.append(try writer.write([0x7B, 0x7D], for: item, fileExtension: "png", suffix: ".png"))
        }
        #expect(
            written == [
                .file(out.appendingPathComponent("a_b.png").path), .file(out.appendingPathComponent("a_b-2.png").path),
                .file(out.appendingPathComponent("c.png").path),
            ])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["a_b-2.png", "a_b.png", "c.png"])
    }

    @Test func aFolderOutputNeverTakesAnInputsName() throws {
        let (folder, inputs) = try folderWithInputs(["x.json", "x.charx"])
        var writer = OutputWriter(destination: .directory(folder.path), inputs: RunInputs(inputs))
        // x.charx converted to JSON would be x.json, which is the other input: it is numbered instead.
        let second = try writer.write([0x31], for: inputs[1], fileExtension: "json", suffix: ".json")
        #expect(second == .file(folder.appendingPathComponent("x-2.json").path))
        // x.json converted to JSON in its own folder is the input itself: refused, not numbered.
        #expect(throws: OutputError(path: inputs[0].path, kind: .replacesInput(inputs[0].path))) {
            try writer.write([0x32], for: inputs[0], fileExtension: "json", suffix: ".json")
        }
        #expect(try String(contentsOf: inputs[0].url, encoding: .utf8) == "x.json")
    }

    @Test func inPlaceKeepsANumberedBackupAndRefusesAnotherKind() throws {
        let (folder, inputs) = try folderWithInputs(["card.json"])
        var writer = OutputWriter(destination: .inPlace(backup: true), inputs: RunInputs(inputs))
        _ = try writer.write(Array("new".utf8), for: inputs[0], fileExtension: "json", suffix: ".json")
        _ = try writer.write(Array("newer".utf8), for: inputs[0], fileExtension: "json", suffix: ".json")
        #expect(try String(contentsOf: inputs[0].url, encoding: .utf8) == "newer")
        #expect(
            try String(contentsOfFile: folder.appendingPathComponent("card.json.bak").path, encoding: .utf8)
                == "card.json")
        #expect(
            try String(contentsOfFile: folder.appendingPathComponent("card.json.bak.1").path, encoding: .utf8) == "new")
        let error = OutputError(
            path: inputs[0].path, kind: .changesKind(inputExtension: "json", outputExtension: "png"))
        #expect(throws: error) {
            try writer.write([0x89], for: inputs[0], fileExtension: "png", suffix: ".png")
        }
        #expect(error.reason == "replacing in place would write PNG into a .json file")
    }

    @Test func inPlaceRefusesWhatIsNotARegularFile() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let fifo = folder.appendingPathComponent("card.json")
        try #require(mkfifo(fifo.path, 0o600) == 0)
        let item = CardInput(path: fifo.path)
        var writer = OutputWriter(destination: .inPlace(backup: false), inputs: RunInputs([]))
        #expect(throws: OutputError(path: fifo.path, kind: .notARegularFile)) {
            try writer.write([0x7B], for: item, fileExtension: "json", suffix: ".json")
        }
    }

    @Test func standardOutputIsHandedBackAndAReportMayNotReplaceAnInput() throws {
        let (_, inputs) = try folderWithInputs(["card.json"])
        var writer = OutputWriter(destination: .file("-"), inputs: RunInputs(inputs))
        #expect(
            try writer.write([1, 2], for: inputs[0], fileExtension: "json", suffix: ".json") == .standardOutput([1, 2]))
        #expect(throws: OutputError(path: inputs[0].path, kind: .replacesInput(inputs[0].path))) {
            try writer.write([0x5B, 0x5D], to: inputs[0].path)
        }
    }
}
