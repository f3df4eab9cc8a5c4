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
    /// - Throws: ``CardFileError`` of kind `unreadable` or `tooLarge`.
    public func read(limit: Int = CardFileLoader.defaultMaxFileSize) throws(CardFileError) -> Data {
        if isStandardInput {
            var data = Data()
            while let chunk = try? FileHandle.standardInput.read(upToCount: 1 << 20), !chunk.isEmpty {
                data.append(chunk)
                if data.count > limit {
                    throw CardFileError(
                        path: path, kind: .tooLarge, reason: "standard input is larger than \(limit) bytes")
                }
            }
            return data
        }
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw CardFileError(path: path, kind: .unreadable, reason: "cannot read: no such file or not accessible")
        }
        if let size = attributes[.size] as? Int, size > limit {
            throw CardFileError(
                path: path, kind: .tooLarge, reason: "the file is \(size) bytes, above the limit of \(limit)")
        }
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw CardFileError(path: path, kind: .unreadable, reason: "cannot read: \(error.localizedDescription)")
        }
    }
}

/// Expands command-line paths into input files.
///
/// Files named explicitly are always taken (and recognised by content). Directories are walked
/// recursively in sorted order, skipping hidden entries and taking only files whose extension can
/// hold a card (`json`, `png`, `apng`, `charx`, `yaml`, `yml`, `jpg`, `jpeg`), so a README beside the
/// cards is not reported as a bad card; what those files are is still decided by their content.
public enum CardInputCollector {
    /// Extensions considered when walking a directory.
    public static let cardExtensions: Set<String> = ["json", "png", "apng", "charx", "yaml", "yml", "jpg", "jpeg"]

    /// The inputs for the given paths, and the paths that do not exist.
    public static func collect(_ paths: [String]) -> (inputs: [CardInput], missing: [String]) {
        var inputs: [CardInput] = []
        var missing: [String] = []
        for path in paths {
            if path == "-" {
                inputs.append(CardInput(path: "-"))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            if isDirectory.boolValue {
                inputs += walk(path)
            } else {
                inputs.append(CardInput(path: path))
            }
        }
        return (inputs, missing)
    }

    private static func walk(_ root: String) -> [CardInput] {
        var result: [CardInput] = []
        var pending = [root]
        while let directory = pending.popLast() {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted().reversed()
            var files: [CardInput] = []
            for name in names where !name.hasPrefix(".") {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    pending.append(path)
                } else if cardExtensions.contains((name as NSString).pathExtension.lowercased()) {
                    files.append(CardInput(path: path, root: root))
                }
            }
            result += files.reversed()
        }
        return result.sorted { $0.path < $1.path }
    }
}
