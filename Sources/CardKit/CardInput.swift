import CardKitFiles
public import Foundation

/// One input file: where it came from and, once read, its bytes.
public struct CardInput: Sendable, Hashable {
    /// The path as the user gave it or as found in a directory walk; `-` for standard input.
    public var path: String
    /// The directory the user named, when the file was found by walking it (for mirroring layouts).
    public var root: String?

    /// Creates an input.
    public init(path: String, root: String? = nil) {
        self.path = path
        self.root = root
    }

    /// Whether the input is standard input.
    public var isStandardInput: Bool { path == "-" }

    /// The file URL (meaningless for standard input).
    public var url: URL { URL(fileURLWithPath: path) }

    /// The path relative to the walked directory, or the file name.
    public var relativePath: String {
        if let root, path.hasPrefix(root) {
            let tail = path.dropFirst(root.count).drop(while: { $0 == "/" })
            if !tail.isEmpty { return String(tail) }
        }
        return url.lastPathComponent
    }

    /// Reads the bytes, refusing files larger than `limit`.
    ///
    /// A regular file is read whole; a FIFO or character device (`/dev/stdin`, a shell's `<(…)`) is read as a
    /// stream until its end, failing once it passes `limit`; anything else (a folder, a socket, a block device)
    /// is refused with a message saying what it is.
    /// - Throws: ``CardFileError`` of kind `unreadable` or `tooLarge`.
    package func read(limit: Int = CardFileLoader.defaultMaxFileSize) throws(CardFileError) -> Data {
        if isStandardInput { return try readStream(FileHandle.standardInput, limit: limit, what: "standard input") }
        let status: FileStatus
        switch FileStatus.of(path) {
        case .success(let found):
            status = found
        case .failure(let error):
            let reason =
                error.isMissing
                ? "no such file or directory" : error.isPermissionDenied ? "permission denied" : error.message
            throw CardFileError(path: path, kind: .unreadable, reason: "cannot read: \(reason)")
        }
        switch status.kind {
        case .regular:
            break
        case .fifo, .characterDevice:
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CardFileError(path: path, kind: .unreadable, reason: "cannot read: it cannot be opened")
            }
            defer { try? handle.close() }
            return try readStream(handle, limit: limit, what: "the stream")
        case .directory:
            throw CardFileError(path: path, kind: .unreadable, reason: "cannot read: it is a folder")
        case .socket:
            throw CardFileError(path: path, kind: .unreadable, reason: "cannot read: it is a socket, not a file")
        case .blockDevice, .other:
            throw CardFileError(path: path, kind: .unreadable, reason: "cannot read: it is a block device, not a file")
        }
        if status.size > limit {
            throw CardFileError(
                path: path, kind: .tooLarge, reason: "the file is \(status.size) bytes, above the limit of \(limit)")
        }
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw CardFileError(path: path, kind: .unreadable, reason: "cannot read: \(error.localizedDescription)")
        }
    }

    /// Reads a stream to its end, failing as soon as it passes `limit` bytes.
    private func readStream(_ handle: FileHandle, limit: Int, what: String) throws(CardFileError) -> Data {
        var data = Data()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw CardFileError(path: path, kind: .unreadable, reason: "cannot read: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { return data }
            data.append(chunk)
            if data.count > limit {
                throw CardFileError(path: path, kind: .tooLarge, reason: "\(what) is larger than \(limit) bytes")
            }
        }
    }
}

/// Expands command-line paths into input files.
///
/// Files named explicitly are always taken (and recognised by content). Directories are walked
/// recursively in sorted order, skipping hidden entries and taking only files whose extension can
/// hold a card (`json`, `png`, `apng`, `charx`, `yaml`, `yml`, `jpg`, `jpeg`), so a README beside the
/// cards is not reported as a bad card; what those files are is still decided by their content.
package enum CardInputCollector {
    /// Extensions considered when walking a directory.
    package static let cardExtensions: Set<String> = ["json", "png", "apng", "charx", "yaml", "yml", "jpg", "jpeg"]

    /// The inputs for the given paths, and the paths that do not exist.
    package static func collect(_ paths: [String]) -> (inputs: [CardInput], missing: [String]) {
        let collection = collectReportingLoops(paths)
        return (collection.inputs, collection.missing)
    }

    /// The inputs for the given paths, the paths that do not exist, and one warning per symbolic link that leads
    /// back into a folder already walked (the link is skipped).
    ///
    /// Each real folder (by device and inode) is walked once, so `a -> .` neither loops nor repeats cards. In a
    /// walked folder only regular files (or links to them) are taken; FIFOs and devices are read only when named.
    package static func collectReportingLoops(_ paths: [String]) -> (
        inputs: [CardInput], missing: [String], warnings: [String]
    ) {
        var inputs: [CardInput] = []
        var missing: [String] = []
        var warnings: [String] = []
        var visited: [AtomicFile.FileID: String] = [:]
        for path in paths {
            if path == "-" {
                inputs.append(CardInput(path: "-"))
                continue
            }
            guard let status = try? FileStatus.of(path).get() else {
                missing.append(path)
                continue
            }
            if status.kind == .directory {
                inputs += walk(path, visited: &visited, warnings: &warnings)
            } else {
                inputs.append(CardInput(path: path))
            }
        }
        return (inputs, missing, warnings)
    }

    private static func walk(
        _ root: String, visited: inout [AtomicFile.FileID: String], warnings: inout [String]
    ) -> [CardInput] {
        if let id = AtomicFile.FileID(path: root) {
            if let first = visited[id] {
                warnings.append("\(root): warning: the same folder as \(first), already walked; skipped")
                return []
            }
            visited[id] = root
        }
        var result: [CardInput] = []
        var pending = [root]
        while let directory = pending.popLast() {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted().reversed()
            var files: [CardInput] = []
            for name in names where !name.hasPrefix(".") {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                guard let status = try? FileStatus.of(path).get() else { continue }
                switch status.kind {
                case .directory:
                    guard let id = AtomicFile.FileID(path: path) else { continue }
                    if let first = visited[id] {
                        warnings.append(
                            "\(path): warning: leads back to \(first), already walked (a symbolic link loop); skipped")
                    } else {
                        visited[id] = path
                        pending.append(path)
                    }
                case .regular where cardExtensions.contains((name as NSString).pathExtension.lowercased()):
                    files.append(CardInput(path: path, root: root))
                default:
                    continue
                }
            }
            result += files.reversed()
        }
        return result.sorted { $0.path < $1.path }
    }
}
