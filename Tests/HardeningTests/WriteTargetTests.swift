import CardKit
import Foundation
import Testing

/// Fixtures and helpers shared by the write-safety suites (issue 18, "Writes").
enum WriteFixture {
    /// A fresh temporary folder.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ck-w-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A small V2 card named `name`.
    static func card(_ name: String) -> Data {
        Data(
            #"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"\#(name)","description":"d","personality":"","scenario":"","first_mes":"Hi.","mes_example":"","creator_notes":"","system_prompt":"","post_history_instructions":"","alternate_greetings":[],"tags":[],"creator":"","character_version":"1","extensions":{}}}"#
                .utf8)
    }

    /// The bytes `convert --to v3 -o` writes for `input` into a regular file.
    static func v3Bytes(of input: URL, in directory: URL) throws -> Data {
        let reference = directory.appendingPathComponent("reference-\(UUID().uuidString.prefix(6)).out")
        let run = try BoundedCLI.run(["convert", input.path, "--to", "v3", "-o", reference.path])
        try #require(run.status == 0, "\(run.stderr)")
        defer { try? FileManager.default.removeItem(at: reference) }
        return try Data(contentsOf: reference)
    }

    /// `lstat` of a path.
    static func info(_ path: String) throws -> stat {
        var info = stat()
        try #require(lstat(path, &info) == 0, "lstat \(path): \(String(cString: strerror(errno)))")
        return info
    }

    static func type(_ path: String) throws -> mode_t { try info(path).st_mode & S_IFMT }

    /// Reads a FIFO to its end on another thread; `wait()` returns what was read.
    final class FIFOReader: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()

        init(_ path: String) {
            Thread.detachNewThread { [self] in
                if let handle = FileHandle(forReadingAtPath: path) {
                    data = handle.readDataToEndOfFile()
                    try? handle.close()
                }
                done.signal()
            }
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }
}

/// Outputs that are not regular files are written through, never replaced.
@Suite(.serialized) struct WriteTargetTests {
    @Test func convertToDevNullLeavesTheDeviceInPlace() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("card.json")
        try WriteFixture.card("A").write(to: input)
        let before = try WriteFixture.info("/dev/null")
        let convert = try BoundedCLI.run(["convert", input.path, "--to", "v3", "-o", "/dev/null"])
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(convert.stderr == "")
        let report = try BoundedCLI.run(["convert", input.path, "--to", "v3", "-o", "-", "--report", "/dev/null"])
        #expect(report.status == 0, "\(report.stderr)")
        let image = root.appendingPathComponent("image.png")
        try Data(PNGDefaultAvatar.png()).write(to: image)
        let embed = try BoundedCLI.run(["embed", input.path, image.path, "-o", "/dev/null"])
        #expect(embed.status == 0, "\(embed.stderr)")
        let after = try WriteFixture.info("/dev/null")
        #expect(after.st_mode & S_IFMT == S_IFCHR)
        #expect(after.st_rdev == before.st_rdev)
        #expect(after.st_ino == before.st_ino)
        // Nothing was left in /dev.
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/dev").filter { $0.hasPrefix(".ck-") } == [])
    }

    @Test func convertEmbedAndReportWriteThroughAFIFO() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("card.json")
        try WriteFixture.card("Fifo").write(to: input)
        let expected = try WriteFixture.v3Bytes(of: input, in: root)
        let fifo = root.appendingPathComponent("pipe")
        try #require(mkfifo(fifo.path, 0o600) == 0)

        var reader = WriteFixture.FIFOReader(fifo.path)
        let convert = try BoundedCLI.run(["convert", input.path, "--to", "v3", "-o", fifo.path])
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(reader.wait() == expected)
        #expect(try WriteFixture.type(fifo.path) == S_IFIFO)

        reader = WriteFixture.FIFOReader(fifo.path)
        let report = try BoundedCLI.run(["convert", input.path, "--to", "v3", "-o", "-", "--report", fifo.path])
        #expect(report.status == 0, "\(report.stderr)")
        let records = try JSONParser.parse(reader.wait()).value
        #expect(records[0]?["path"]?.stringValue == input.path)
        #expect(records[0]?["report"]?["target"] == "v3")
        #expect(records[0]?["report"]?["lossless"] == true)
        #expect(try WriteFixture.type(fifo.path) == S_IFIFO)

        let image = root.appendingPathComponent("image.png")
        try Data(PNGDefaultAvatar.png()).write(to: image)
        let embedded = root.appendingPathComponent("embedded.png")
        try #require(try BoundedCLI.run(["embed", input.path, image.path, "-o", embedded.path]).status == 0)
        reader = WriteFixture.FIFOReader(fifo.path)
        let embed = try BoundedCLI.run(["embed", input.path, image.path, "-o", fifo.path])
        #expect(embed.status == 0, "\(embed.stderr)")
        #expect(reader.wait() == (try Data(contentsOf: embedded)))
        #expect(try WriteFixture.type(fifo.path) == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".ck-") } == [])
    }

    @Test func procSelfFDOneOnAPipeIsWrittenThrough() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("card.json")
        try WriteFixture.card("Proc").write(to: input)
        let expected = try WriteFixture.v3Bytes(of: input, in: root)
        let process = Process()
        process.executableURL = BoundedCLI.executable
        process.arguments = ["convert", input.path, "--to", "v3", "-o", "/proc/self/fd/1"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(bytes == expected)
    }

    @Test func devStdoutRedirectedToAFileIsWrittenAtTheShellsOffset() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("card.json")
        try WriteFixture.card("Appended").write(to: input)
        let expected = try WriteFixture.v3Bytes(of: input, in: root)
        let log = root.appendingPathComponent("log")
        try Data("log\n".utf8).write(to: log)
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        let process = Process()
        process.executableURL = BoundedCLI.executable
        process.arguments = ["convert", input.path, "--to", "v3", "-o", "/dev/stdout"]
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        #expect(process.terminationStatus == 0)
        #expect(try Data(contentsOf: log) == Data("log\n".utf8) + expected)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["card.json", "log"])
    }

    @Test func aUnixSocketIsWrittenThrough() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("card.json")
        try WriteFixture.card("Socket").write(to: input)
        let expected = try WriteFixture.v3Bytes(of: input, in: root)
        let path = root.appendingPathComponent("s").path
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8) + [0])
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0 && listen(listener, 1) == 0)
        final class Received: @unchecked Sendable {
            var data = Data()
            let done = DispatchSemaphore(value: 0)
        }
        let received = Received()
        Thread.detachNewThread {
            let connection = accept(listener, nil, nil)
            if connection >= 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = read(connection, &buffer, buffer.count)
                    if count <= 0 { break }
                    received.data.append(contentsOf: buffer[0..<count])
                }
                close(connection)
            }
            received.done.signal()
        }
        let run = try BoundedCLI.run(["convert", input.path, "--to", "v3", "-o", path])
        #expect(run.status == 0, "\(run.stderr)")
        received.done.wait()
        #expect(received.data == expected)
        #expect(try WriteFixture.type(path) == S_IFSOCK)
    }

    @Test func aFolderIsNotReplaced() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("card.json")
        try WriteFixture.card("A").write(to: input)
        let folder = root.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let run = try BoundedCLI.run(["convert", input.path, "--to", "v3", "-o", folder.path])
        #expect(run.status == 1)
        #expect(
            run.stderr
                == "cardkit: \(folder.path): error: cannot write: it is a folder, not a regular file; not replaced\n")
        #expect(try WriteFixture.type(folder.path) == S_IFDIR)
    }
}

/// No output of a run ever replaces one of its inputs, whatever path names it.
@Suite(.serialized) struct OutputIsNotAnInputTests {
    @Test func batchIntoTheInputFolderNeverOverwritesAnInput() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let other = root.appendingPathComponent("other.json")
        try WriteFixture.card("From CharX").write(to: other)
        let folder = root.appendingPathComponent("cards")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let charx = folder.appendingPathComponent("x.charx")
        try #require(try BoundedCLI.run(["convert", other.path, "--to", "charx", "-o", charx.path]).status == 0)
        let json = folder.appendingPathComponent("x.json")
        let original = WriteFixture.card("From JSON")
        try original.write(to: json)
        let charxBytes = try Data(contentsOf: charx)

        let run = try BoundedCLI.run(["convert", folder.path, "--to", "v3", "--out-dir", folder.path])
        #expect(run.status == 1)
        #expect(
            run.stderr == """
                cardkit: \(charx.path): 1 warning, 1 field lost (first: warning: /data/assets/0: V3: dropped: a JSON card holds no image); --verbose lists all
                cardkit: \(json.path): error: the output would overwrite the input \(json.path) of this run; not written
                cardkit: converted 1 of 2 inputs to v3; 1 failed

                """)
        #expect(try Data(contentsOf: json) == original)
        #expect(try Data(contentsOf: charx) == charxBytes)
        let converted = try CardReader.read([UInt8](Data(contentsOf: folder.appendingPathComponent("x-2.json"))))
        #expect(converted.card.name == "From CharX")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [
                "x-2.json", "x.charx", "x.json",
            ])
    }

    @Test func standardInputThatIsTheOutputFileIsRefused() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let card = root.appendingPathComponent("x.json")
        let original = WriteFixture.card("Stdin")
        try original.write(to: card)
        let process = Process()
        process.executableURL = BoundedCLI.executable
        process.arguments = ["convert", "-", "--to", "v3", "-o", card.path]
        process.standardInput = try FileHandle(forReadingFrom: card)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(
            stderr
                == "cardkit: \(card.path): error: the output would overwrite the input '-' (standard input) of this run; not written\n"
        )
        #expect(try Data(contentsOf: card) == original)
    }

    @Test func embedOutputThatIsTheCardIsRefused() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let card = root.appendingPathComponent("e.json")
        let original = WriteFixture.card("E")
        try original.write(to: card)
        let image = root.appendingPathComponent("image.png")
        try Data(PNGDefaultAvatar.png()).write(to: image)
        let run = try BoundedCLI.run(["embed", card.path, image.path, "-o", card.path])
        #expect(run.status == 1)
        #expect(
            run.stderr
                == "cardkit: \(card.path): error: the output would overwrite the input \(card.path) of this run; not written\n"
        )
        #expect(try Data(contentsOf: card) == original)
        // By identity, not by path: a hard link to the card is the card.
        let hardLink = root.appendingPathComponent("alias.png")
        try #require(link(card.path, hardLink.path) == 0)
        let linked = try BoundedCLI.run(["embed", card.path, image.path, "-o", hardLink.path])
        #expect(linked.status == 1)
        #expect(
            linked.stderr
                == "cardkit: \(hardLink.path): error: the output would overwrite the input \(card.path) of this run; not written\n"
        )
        #expect(try Data(contentsOf: card) == original)
    }

    @Test func reportThatIsAnInputIsRefused() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("r.json")
        let original = WriteFixture.card("R")
        try original.write(to: input)
        let out = root.appendingPathComponent("out.json")
        let run = try BoundedCLI.run(["convert", input.path, "--to", "v3", "-o", out.path, "--report", input.path])
        #expect(run.status == 1)
        #expect(
            run.stderr
                == "cardkit: \(input.path): error: the output would overwrite the input \(input.path) of this run; not written\n"
        )
        #expect(try Data(contentsOf: input) == original)
        #expect(try CardReader.read([UInt8](Data(contentsOf: out))).card.name == "R")
    }

    @Test func outputThroughASymbolicLinkToTheInputIsRefused() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in.json")
        let original = WriteFixture.card("L")
        try original.write(to: input)
        let alias = root.appendingPathComponent("alias.json")
        try FileManager.default.createSymbolicLink(atPath: alias.path, withDestinationPath: "in.json")
        let run = try BoundedCLI.run(["convert", input.path, "--to", "v3", "-o", alias.path])
        #expect(run.status == 1)
        #expect(
            run.stderr
                == "cardkit: \(alias.path): error: the output would overwrite the input \(input.path) of this run; not written\n"
        )
        #expect(try Data(contentsOf: input) == original)
        #expect(try WriteFixture.type(alias.path) == S_IFLNK)
    }
}

/// `--in-place` keeps mode, owner, every backup and links.
@Suite(.serialized) struct InPlaceSafetyTests {
    @Test(.enabled(if: getuid() == 0, "chown to another user needs root"))
    func keepsTheModeAndOwnerOfTheFileAndOfItsBackup() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("card.json")
        try WriteFixture.card("Owned").write(to: input)
        try #require(chown(input.path, 1234, 1234) == 0 && chmod(input.path, 0o600) == 0)
        let run = try BoundedCLI.run(["convert", input.path, "--to", "v3", "--in-place"])
        #expect(run.status == 0, "\(run.stderr)")
        for path in [input.path, input.path + ".bak"] {
            let info = try WriteFixture.info(path)
            #expect(info.st_uid == 1234, "\(path)")
            #expect(info.st_gid == 1234, "\(path)")
            #expect(info.st_mode & 0o7777 == 0o600, "\(path)")
            #expect(info.st_mode & S_IFMT == S_IFREG, "\(path)")
        }
        #expect(try CardReader.read([UInt8](Data(contentsOf: input))).card.spec == .v3)
    }

    @Test func neverOverwritesABackup() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("card.json")
        let original = WriteFixture.card("Backed up")
        try original.write(to: input)
        var versions = [original]
        for _ in 0..<3 {
            let run = try BoundedCLI.run(["convert", input.path, "--to", "v3", "--in-place"])
            #expect(run.status == 0, "\(run.stderr)")
            versions.append(try Data(contentsOf: input))
        }
        #expect(try Data(contentsOf: root.appendingPathComponent("card.json.bak")) == original)
        #expect(try Data(contentsOf: root.appendingPathComponent("card.json.bak.1")) == versions[1])
        #expect(try Data(contentsOf: root.appendingPathComponent("card.json.bak.2")) == versions[2])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == [
                "card.json", "card.json.bak", "card.json.bak.1", "card.json.bak.2",
            ])
    }

    @Test func onASymbolicLinkReplacesTheTargetAndKeepsTheLink() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let real = root.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: false)
        let target = real.appendingPathComponent("card.json")
        let original = WriteFixture.card("Linked")
        try original.write(to: target)
        let link = root.appendingPathComponent("link.json")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real/card.json")
        let run = try BoundedCLI.run(["convert", link.path, "--to", "v3", "--in-place"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try WriteFixture.type(link.path) == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "real/card.json")
        #expect(try CardReader.read([UInt8](Data(contentsOf: target))).card.spec == .v3)
        #expect(try Data(contentsOf: root.appendingPathComponent("link.json.bak")) == original)
        #expect(try WriteFixture.type(link.path + ".bak") == S_IFREG)
        #expect(try FileManager.default.contentsOfDirectory(atPath: real.path) == ["card.json"])
    }

    @Test func refusesAFIFO() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let fifo = root.appendingPathComponent("card.json")
        try #require(mkfifo(fifo.path, 0o600) == 0)
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo.path) {
                handle.write(WriteFixture.card("F"))
                try? handle.close()
            }
        }
        writer.start()
        let run = try BoundedCLI.run(["convert", fifo.path, "--to", "v3", "--in-place"])
        #expect(run.status == 1)
        #expect(run.stderr == "cardkit: \(fifo.path): error: --in-place replaces regular files only; use -o\n")
        #expect(try WriteFixture.type(fifo.path) == S_IFIFO)
    }
}

/// Temporary files: short names, and only a run's own are removed.
@Suite(.serialized) struct TemporaryFileTests {
    @Test func aRunNeverRemovesTheTemporaryFileOfAnotherRun() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("one.json")
        try WriteFixture.card("One").write(to: input)
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false)
        // A writer in another process holds its temporary file locked while it writes; here this test does.
        let live = out.appendingPathComponent(AtomicFile.temporaryPrefix + "live01")
        try Data("half a ca".utf8).write(to: live)
        let fd = open(live.path, O_RDONLY)
        try #require(fd >= 0 && flock(fd, LOCK_EX) == 0)
        defer { close(fd) }
        // A temporary file just created (before its writer could lock it) is not touched either.
        let fresh = out.appendingPathComponent(AtomicFile.temporaryPrefix + "fresh1")
        try Data().write(to: fresh)
        let stale = out.appendingPathComponent(AtomicFile.temporaryPrefix + "stale1")
        try Data("abandoned".utf8).write(to: stale)
        let past = Date().addingTimeInterval(-2 * AtomicFile.abandonedAge)
        for url in [live, stale] {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: url.path)
        }

        let run = try BoundedCLI.run(["convert", input.path, "--to", "v3", "--out-dir", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Data(contentsOf: live) == Data("half a ca".utf8))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == [
                ".ck-fresh1", ".ck-live01", "one.json",
            ])
    }

    @Test func twoRunsIntoOneFolderBothComplete() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let inputs = root.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: false)
        let names = (0..<80).map(CrashSafeWriteTests.inputName)
        for (index, name) in names.enumerated() {
            try CrashSafeWriteTests.card(index).write(to: inputs.appendingPathComponent(name))
        }
        let out = root.appendingPathComponent("out")
        func start() throws -> Process { try CrashSafeWriteTests.startConvert(inputs: inputs, out: out) }
        let first = try start()
        // The second run starts once the first is writing into the folder.
        let deadline = Date().addingTimeInterval(20)
        while first.isRunning, Date() < deadline,
            ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).isEmpty
        {
            usleep(1_000)
        }
        let second = try start()
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(second.terminationStatus == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == names)
        for (index, name) in names.enumerated() {
            let card = try CardReader.read([UInt8](Data(contentsOf: out.appendingPathComponent(name)))).card
            #expect(card.spec == .v3 && card.name == "Card \(index)", "\(name)")
        }
    }

    @Test func aLongOutputNameFits() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let name = String(repeating: "n", count: 245) + ".json"
        let input = root.appendingPathComponent(name)
        try WriteFixture.card("Long").write(to: input)
        let out = root.appendingPathComponent("out")
        let run = try BoundedCLI.run(["convert", input.path, "--to", "v3", "--out-dir", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == [name])
        let inPlace = try BoundedCLI.run(["convert", input.path, "--to", "v3", "--in-place", "--no-backup"])
        #expect(inPlace.status == 0, "\(inPlace.stderr)")
        #expect(try CardReader.read([UInt8](Data(contentsOf: input))).card.spec == .v3)
    }
}

/// The folder walk and inputs that are not regular files.
@Suite(.serialized) struct WalkAndStreamInputTests {
    @Test func symbolicLinkLoopsAreWalkedOnceAndReported() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        try WriteFixture.card("Once").write(to: root.appendingPathComponent("x.json"))
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("a").path, withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("b").path, withDestinationPath: ".")
        let run = try BoundedCLI.run(["inspect", root.path], timeout: 20)
        #expect(!run.timedOut)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "name \"Once\"").count == 2)
        #expect(
            run.stderr == """
                cardkit: \(root.path)/b: warning: leads back to \(root.path), already walked (a symbolic link loop); skipped
                cardkit: \(root.path)/a: warning: leads back to \(root.path), already walked (a symbolic link loop); skipped

                """)
    }

    @Test func aFIFOInputIsReadAsAStream() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let fifo = root.appendingPathComponent("card.json")
        try #require(mkfifo(fifo.path, 0o600) == 0)
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo.path) {
                handle.write(WriteFixture.card("Streamed"))
                try? handle.close()
            }
        }
        writer.start()
        let run = try BoundedCLI.run(["convert", fifo.path, "--to", "v3"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try CardReader.read(Array(run.stdout.utf8)).card.name == "Streamed")
    }

    @Test func aCharacterDeviceInputIsRead() throws {
        let run = try BoundedCLI.run(["inspect", "/dev/null"])
        #expect(run.status == 1)
        #expect(!run.stderr.contains("permission"))
        #expect(run.stderr == "cardkit: /dev/null: error: not a card: the file is empty (0 bytes)\n", "\(run.stderr)")
    }

    @Test func aSocketInputIsRefusedByName() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("s.json").path
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0)
        let run = try BoundedCLI.run(["inspect", path])
        #expect(run.status == 1)
        #expect(run.stderr == "cardkit: \(path): error: cannot read: it is a socket, not a file\n")
    }
}

/// `extract --out-dir` into the folder it reads from.
@Suite(.serialized) struct ExtractOutputTests {
    @Test func extractIntoTheInputFolderNeverOverwritesAnInput() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("x.json")
        let original = Data(#"{"name":"Old","description":"a V1 card"}"#.utf8)
        try original.write(to: input)
        let run = try BoundedCLI.run(["extract", root.path, "--out-dir", root.path])
        #expect(run.status == 1)
        #expect(
            run.stderr
                == "cardkit: \(input.path): error: the output would overwrite the input \(input.path) of this run; not written\n"
        )
        #expect(try Data(contentsOf: input) == original)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["x.json"])
    }
}
