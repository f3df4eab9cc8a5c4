public import Foundation

extension CharXDocument {
    /// Unpacks the archive into a folder: `card.json` (its stored bytes) and every file, referenced or not.
    ///
    /// Paths were checked when the archive was read (no absolute paths, no `..`, no links); here each
    /// file's folder is also checked not to pass through a symbolic link already present in `directory`,
    /// and each file is written to a temporary name and renamed into place.
    /// - Parameter directory: The destination folder (created when missing).
    /// - Returns: The files written, `card.json` first.
    /// - Throws: ``CharXError/cannotUnpack(entry:reason:)`` and the path errors of ``CharXReader``.
    @discardableResult
    public func unpack(to directory: URL) throws(CharXError) -> [URL] {
        let manager = FileManager.default
        let root = directory.standardizedFileURL
        do {
            try manager.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw .cannotUnpack(entry: "card.json", reason: "cannot create \(root.path): \(error.localizedDescription)")
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
                if let type = try? manager.attributesOfItem(atPath: folder.path)[.type] as? FileAttributeType {
                    if type == .typeSymbolicLink {
                        throw .cannotUnpack(entry: file.path, reason: "\(folder.path) is a symbolic link")
                    }
                    if type != .typeDirectory {
                        throw .cannotUnpack(entry: file.path, reason: "\(folder.path) is not a folder")
                    }
                } else {
                    do {
                        try manager.createDirectory(at: folder, withIntermediateDirectories: false)
                    } catch {
                        throw .cannotUnpack(entry: file.path, reason: error.localizedDescription)
                    }
                }
            }
            let target = folder.appendingPathComponent(name, isDirectory: false)
            if let type = try? manager.attributesOfItem(atPath: target.path)[.type] as? FileAttributeType,
                type == .typeSymbolicLink || type == .typeDirectory
            {
                throw .cannotUnpack(entry: file.path, reason: "\(target.path) exists and is not a regular file")
            }
            do {
                try file.bytes.write(to: target, options: .atomic)
            } catch {
                throw .cannotUnpack(entry: file.path, reason: error.localizedDescription)
            }
            written.append(target)
        }
        return written
    }
}
