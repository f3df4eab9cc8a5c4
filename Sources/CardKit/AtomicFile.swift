public import Foundation

/// Writes files so that a reader never sees a partial file: a temporary file in the destination
/// folder is written, flushed to disk and renamed over the target.
public enum AtomicFile {
    /// The prefix of temporary files, so leftovers of a killed run can be recognised and removed.
    public static let temporaryPrefix = ".cardkit-tmp-"

    /// Thrown when a file cannot be written; names the path.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        /// The destination path.
        public var path: String
        /// What failed.
        public var reason: String
        /// The error in the `path: error: reason` form the CLI prints.
        public var description: String { "\(path): error: cannot write: \(reason)" }
    }

    /// Writes `bytes` to `url` atomically (temp file, fsync, rename, fsync of the folder).
    /// - Throws: ``WriteError``.
    public static func write(_ bytes: some ContiguousBytes, to url: URL) throws(WriteError) {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            temporaryPrefix + url.lastPathComponent + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(path: url.path, reason: String(cString: strerror(errno))) }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(temporary.path, url.path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary.path)
            throw WriteError(path: url.path, reason: failure)
        }
        let directoryFD = open(directory.path, O_RDONLY | O_DIRECTORY)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Removes temporary files a killed run left in `directory`; returns how many were removed.
    @discardableResult
    public static func removeLeftovers(in directory: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var removed = 0
        for name in names where name.hasPrefix(temporaryPrefix) {
            if unlink(directory.appendingPathComponent(name).path) == 0 { removed += 1 }
        }
        return removed
    }
}
