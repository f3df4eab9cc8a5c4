import CardKitTestSupport
import Foundation
import Testing

@testable import CardKit
@_spi(Testing) @testable import CardKitFiles

@Suite struct AtomicFileTests {
    private func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode : 0
    }

    @Test func replacesARegularFileWithAShortTemporaryName() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let name = String(repeating: "x", count: 250)
        let target = folder.appendingPathComponent(name)
        try AtomicFile.write(Data("one".utf8), to: target)
        try AtomicFile.write(Data("two".utf8), to: target)
        #expect(try Data(contentsOf: target) == Data("two".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [name])
        #expect(AtomicFile.temporaryPrefix.utf8.count + 6 == 10)
    }

    @Test func keepsTheModeOfTheReplacedFile() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let target = folder.appendingPathComponent("card.json")
        try Data("old".utf8).write(to: target)
        try #require(chmod(target.path, 0o640) == 0)
        try AtomicFile.write(Data("new".utf8), to: target)
        #expect(mode(target.path) & 0o7777 == 0o640)
    }

    @Test func writesADanglingLinksTarget() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let link = folder.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "target")
        try AtomicFile.write(Data("via link".utf8), to: link)
        #expect(mode(link.path) & S_IFMT == S_IFLNK)
        #expect(try Data(contentsOf: folder.appendingPathComponent("target")) == Data("via link".utf8))
    }

    @Test func refusesLinksAndStreamsWhenAskedForRegularFilesOnly() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let link = folder.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/tmp")
        #expect(throws: AtomicFile.WriteError.self) {
            try AtomicFile.write(Data(), to: link, options: .regularFilesOnly)
        }
        do {
            try AtomicFile.write(Data("x".utf8), to: URL(fileURLWithPath: "/dev/null"), options: .regularFilesOnly)
            Issue.record("wrote to /dev/null")
        } catch {
            #expect(error.description == "/dev/null: error: cannot write: it is a character device, not a regular file")
        }
        #expect(mode("/dev/null") & S_IFMT == S_IFCHR)
    }

    @Test func aFullDiskLeavesNoTemporaryFileAndTheOldContents() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let target = folder.appendingPathComponent("card.json")
        try Data("old".utf8).write(to: target)
        do {
            try AtomicFileFaults.$byteBudget.withValue(AtomicFileFaults.ByteBudget(bytes: 4)) {
                try AtomicFile.write(Data("new contents".utf8), to: target)
            }
            Issue.record("the write did not fail")
        } catch let error as AtomicFile.WriteError {
            #expect(error.description == "\(target.path): error: cannot write: No space left on device")
        }
        #expect(try Data(contentsOf: target) == Data("old".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["card.json"])
    }

    @Test func backUpNumbersBackupsAndNeverOverwritesOne() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let target = folder.appendingPathComponent("card.json")
        try Data("v1".utf8).write(to: target)
        #expect(try AtomicFile.backUp(target).lastPathComponent == "card.json.bak")
        try Data("v2".utf8).write(to: target)
        #expect(try AtomicFile.backUp(target).lastPathComponent == "card.json.bak.1")
        #expect(try Data(contentsOf: folder.appendingPathComponent("card.json.bak")) == Data("v1".utf8))
        #expect(try Data(contentsOf: folder.appendingPathComponent("card.json.bak.1")) == Data("v2".utf8))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [
                "card.json", "card.json.bak", "card.json.bak.1",
            ])
    }
}

@Suite struct CardInputCollectorTests {
    @Test func eachRealFolderIsWalkedOnce() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        try Data("{}".utf8).write(to: folder.appendingPathComponent("x.json"))
        let sub = folder.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: false)
        try Data("{}".utf8).write(to: sub.appendingPathComponent("y.json"))
        try FileManager.default.createSymbolicLink(
            atPath: sub.appendingPathComponent("up").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("a").path, withDestinationPath: ".")
        let fifo = folder.appendingPathComponent("f.json")
        try #require(mkfifo(fifo.path, 0o600) == 0)
        let result = CardInputCollector.collectReportingLoops([folder.path])
        #expect(result.inputs.map(\.path) == [folder.path + "/sub/y.json", folder.path + "/x.json"])
        #expect(result.missing == [])
        #expect(
            result.warnings == [
                "\(folder.path)/a: warning: leads back to \(folder.path), already walked (a symbolic link loop); skipped",
                "\(folder.path)/sub/up: warning: leads back to \(folder.path), already walked (a symbolic link loop); skipped",
            ])
    }

    @Test func aCharacterDeviceIsReadAsAStreamUpToTheLimit() throws {
        #expect(try CardInput(path: "/dev/null").read() == Data())
        do {
            _ = try CardInput(path: "/dev/zero").read(limit: 100_000)
            Issue.record("/dev/zero was read")
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.description == "/dev/zero: error: the stream is larger than 100000 bytes")
        }
    }

    @Test func aFolderInputIsRefusedByName() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        do {
            _ = try CardInput(path: folder.path).read()
            Issue.record("a folder was read")
        } catch {
            #expect(error.description == "\(folder.path): error: cannot read: it is a folder")
        }
    }
}
