import Foundation

/// Turns a path from a request into a file of the collection, refusing anything that could leave its folder.
enum CollectionPath {
    /// Why a requested path was refused.
    enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// Empty, absolute, or with a `..`, `.` or empty component, a backslash or a NUL.
        case malformed(String)
        /// The path resolves (through a symbolic link) to somewhere outside the folder.
        case outside(String)

        /// The refusal in words.
        package var description: String {
            switch self {
            case .malformed(let path): "the path \(quoted(path)) is not a relative path inside the collection"
            case .outside(let path): "the path \(quoted(path)) leads outside the collection"
            }
        }

        private func quoted(_ path: String) -> String {
            "\"" + String(path.unicodeScalars.prefix(200).map { $0.value < 0x20 ? "?" : Character($0) }) + "\""
        }
    }

    /// Checks a relative path's form: no `..`, `.` or empty component, not absolute, no NUL or backslash.
    ///
    /// - Parameter path: The path from the request.
    /// - Throws: ``Refusal/malformed(_:)``.
    static func checkForm(_ path: String) throws(Refusal) {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"), !path.contains("\\") else {
            throw .malformed(path)
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false)
        where component.isEmpty || component == "." || component == ".." {
            throw .malformed(path)
        }
    }

    /// The absolute path of a relative path under `root`, after checking its form and that, with every symbolic
    /// link resolved, it is still under `root`.
    ///
    /// - Parameters:
    ///   - path: The relative path from the request.
    ///   - root: The collection's folder, resolved.
    /// - Returns: The absolute path (not resolved: a link inside the folder keeps its name).
    /// - Throws: ``Refusal``.
    static func resolve(_ path: String, under root: URL) throws(Refusal) -> String {
        try checkForm(path)
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        let absolute = rootPath + path
        guard isInside(absolute, root: rootPath) else { throw .outside(path) }
        return absolute
    }

    /// Whether `path`, with its links resolved, lies under `root` (which ends with `/` and is itself resolved).
    ///
    /// A path that does not exist is resolved as far as it goes.
    ///
    /// - Parameters:
    ///   - path: An absolute path.
    ///   - root: The resolved folder, ending with `/`.
    /// - Returns: True when it stays inside.
    static func isInside(_ path: String, root: String) -> Bool {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        return resolved.hasPrefix(root)
    }
}
