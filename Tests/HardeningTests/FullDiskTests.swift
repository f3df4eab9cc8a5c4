import CardKit
import Foundation
import Testing

/// Writes onto a real full disk: a 64 KiB tmpfs (needs root and a kernel that lets the test mount one; the
/// injected failures of `AtomicFileFaults` cover the same paths everywhere else).
@Suite(.serialized, .enabled(if: FullDisk.isAvailable, "mounting a tmpfs needs root"))
struct FullDiskTests {
    @Test func personasImportLeavesNoTemporaryFileOnAFullDisk() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let avatars = root.appendingPathComponent("User Avatars")
        try FileManager.default.createDirectory(at: avatars, withIntermediateDirectories: true)
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        try (png + Data(repeating: 1, count: 100)).write(to: avatars.appendingPathComponent("a.png"))
        try (png + Data(repeating: 2, count: 200_000)).write(to: avatars.appendingPathComponent("b.png"))
        let settings = root.appendingPathComponent("settings.json")
        try Data(#"{"power_user":{"personas":{"a.png":"Alice","b.png":"Bob"},"persona_descriptions":{}}}"#.utf8)
            .write(to: settings)
        try FullDisk.withTmpfs { disk in
            let run = try BoundedCLI.run(["personas", "import", settings.path, "--out-dir", disk.path])
            #expect(run.status == 1)
            #expect(run.stderr == "cardkit: \(disk.path)/Bob.png: error: cannot write: No space left on device\n")
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: disk.path).sorted() == [
                    "Alice.persona.json", "Alice.png",
                ])
        }
    }

    @Test func extractLeavesNoPartialFolderOnAFullDisk() throws {
        let root = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let card = try CardReader.read([UInt8](WriteFixture.card("Big"))).card.converted(to: .v3).card
        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let archive = try CharXWriter.write(
            card: card,
            files: [
                CharXFile(path: "assets/small/a.txt", bytes: Data("a".utf8)),
                CharXFile(path: "assets/big.bin", bytes: noise),
            ])
        let input = root.appendingPathComponent("x.charx")
        try archive.write(to: input)
        try FullDisk.withTmpfs { disk in
            let run = try BoundedCLI.run(["extract", input.path, "--out-dir", disk.path])
            #expect(run.status == 1)
            #expect(
                run.stderr
                    == "cardkit: \(input.path): error: CharX entry \"assets/big.bin\": cannot unpack: \(disk.path)/x/assets/big.bin: No space left on device\n"
            )
            #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path) == [])
        }
    }
}

enum FullDisk {
    /// Whether this process can mount a tmpfs (tried once).
    static let isAvailable: Bool = {
        guard getuid() == 0, let probe = try? WriteFixture.directory() else { return false }
        defer { try? FileManager.default.removeItem(at: probe) }
        guard mount(probe) else { return false }
        unmount(probe)
        return true
    }()

    /// Runs `body` with a fresh 64 KiB tmpfs, unmounted afterwards.
    static func withTmpfs(_ body: (URL) throws -> Void) throws {
        let point = try WriteFixture.directory()
        defer { try? FileManager.default.removeItem(at: point) }
        try #require(mount(point))
        defer { unmount(point) }
        try body(point)
    }

    private static func mount(_ point: URL) -> Bool {
        run(["/bin/mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", point.path])
    }

    private static func unmount(_ point: URL) { _ = run(["/bin/umount", point.path]) }

    private static func run(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
