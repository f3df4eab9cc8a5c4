import CardKitFiles
public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CharXDocument {
    /// Unpacks the archive into a folder: `card.json` (its stored bytes) and every file, referenced or not.
    ///
    /// Paths were checked when the archive was read (no absolute paths, no `..`, no links); here the folder
    /// itself and each file's folder are also checked not to be a symbolic link already present, and each file
    /// is written with `AtomicFile` (regular files only). When a write fails (a full disk), every file and
    /// folder this call created is removed again; files it replaced keep their new contents.
    /// - Parameter directory: The destination folder (created when missing).
    /// - Returns: The files written, `card.json` first.
    /// - Throws: ``CharXError/cannotUnpack(entry:reason:)`` and the path errors of ``CharXReader``.
    @discardableResult
    public func unpack(to directory: URL) throws(CharXError) -> [URL] {
        let root = directory.standardizedFileURL
        var created = UnpackedItems()
        do {
            return try unpack(into: root, created: &created)
        } catch {
            created.remove()
            throw error
        }
    }

    private func unpack(into root: URL, created: inout UnpackedItems) throws(CharXError) -> [URL] {
        switch Self.kind(of: root) {
        case .missing:
            do {
                try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            } catch {
                throw .cannotUnpack(
                    entry: "card.json", reason: "cannot create \(root.path): \(error.localizedDescription)")
            }
            created.folders.append(root)
        case .folder:
            break
        case .link:
            throw .cannotUnpack(entry: "card.json", reason: "\(root.path) is a symbolic link")
        case .other:
            throw .cannotUnpack(entry: "card.json", reason: "\(root.path) is not a folder")
        }
        var written: [URL] = []
        let items = [CharXFile(path: "card.json", bytes: cardJSON)] + files
        for file in items {
            try CharXPath.validate(file.path)
            let components = CharXPath.components(file.path).map(String.init)
            guard let name = components.last else { throw .invalidPath(entry: file.path, reason: "an empty name") }
            var folder = root
            for component in components.dropLast() {
                folder.appendPathComponent(component, isDirectory: true)
                switch Self.kind(of: folder) {
                case .folder:
                    continue
                case .link:
                    throw .cannotUnpack(entry: file.path, reason: "\(folder.path) is a symbolic link")
                case .other:
                    throw .cannotUnpack(entry: file.path, reason: "\(folder.path) is not a folder")
                case .missing:
                    do {
                        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
                    } catch {
                        throw .cannotUnpack(entry: file.path, reason: error.localizedDescription)
                    }
                    created.folders.append(folder)
                }
            }
            let target = folder.appendingPathComponent(name, isDirectory: false)
            let existed = Self.kind(of: target) != .missing
            do {
                try AtomicFile.write(file.bytes, to: target, options: .regularFilesOnly)
            } catch {
                throw .cannotUnpack(entry: file.path, reason: "\(target.path): \(error.reason)")
            }
            if !existed { created.files.append(target) }
            written.append(target)
        }
        return written
    }

    private enum EntryKind { case missing, folder, link, other }

    private static func kind(of url: URL) -> EntryKind {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFLNK: return .link
        default: return .other
        }
    }
}

/// What one unpack created, so that a failed unpack can take it back.
private struct UnpackedItems {
    var files: [URL] = []
    var folders: [URL] = []

    /// Removes the files, then the folders, newest first (a folder is removed only when empty).
    func remove() {
        for file in files.reversed() { unlink(file.path) }
        for folder in folders.reversed() { rmdir(folder.path) }
    }
}
