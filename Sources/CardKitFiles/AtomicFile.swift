package import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one writer of every file CardKit produces.
///
/// What happens depends on what the destination is (`lstat`, then `stat`):
/// - a regular file, or nothing: the bytes go to a temporary file with a short name (`.ck-XXXXXX`) in the
///   destination's folder, which is flushed, given the replaced file's mode and owner, renamed over the
///   destination, and the folder flushed, so a reader sees the old file or the new one, never part of one;
/// - a symbolic link: the link is followed (up to 40 links) and its target is written as above;
///   the link stays a link;
/// - a character device, FIFO or socket: the bytes are written through to it (never replaced);
/// - `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: written to that open descriptor, whatever it is;
/// - anything else (a folder, a block device): refused.
///
/// Only temporary files this process created are ever removed, see ``removeAbandonedTemporaries(in:)``.
package enum AtomicFile {
    /// The prefix of temporary files; the whole name is this prefix and six random characters.
    package static let temporaryPrefix = ".ck-"

    /// How old an unlocked temporary file must be before ``removeAbandonedTemporaries(in:)`` removes it.
    package static let abandonedAge: TimeInterval = 60

    /// The most symbolic links followed to find the file to write.
    package static let maxSymbolicLinks = 40

    /// Thrown when a file cannot be written; names the path.
    package struct WriteError: Error, Sendable, CustomStringConvertible {
        /// The destination path.
        package var path: String
        /// What failed.
        package var reason: String

        /// Creates an error.
        package init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        /// The error in the `path: error: reason` form the CLI prints.
        package var description: String { "\(path): error: cannot write: \(reason)" }
    }

    /// What the destination may be.
    package struct Options: Sendable, Hashable {
        /// Whether a character device, FIFO or socket is written through (else refused).
        package var writeThroughStreams: Bool = true
        /// Whether a symbolic link is followed to its target (else refused).
        package var followSymbolicLinks: Bool = true
        /// The permission bits the written file gets, whatever it replaced (`0o600` for a secret); nil keeps the
        /// replaced file's, or gives a new file `0644` less the umask.
        package var permissions: Int? = nil

        /// Everything allowed: streams are written through, links followed.
        package init() {}

        /// Regular files only: links, devices, FIFOs and sockets are refused (for unpacking archives).
        package static var regularFilesOnly: Options {
            var options = Options()
            options.writeThroughStreams = false
            options.followSymbolicLinks = false
            return options
        }
    }

    /// A file's identity: its device and inode, the same for every path (and link) that reaches it.
    package struct FileID: Sendable, Hashable {
        /// The device holding the file.
        package var device: UInt64
        /// The inode on that device.
        package var inode: UInt64

        /// The identity of the file at `path`, following links; `nil` when there is none.
        package init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            self.init(info)
        }

        /// The identity of an open file; `nil` when `fstat` fails.
        package init?(descriptor: Int32) {
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { return nil }
            self.init(info)
        }

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// Writes `bytes` to `url`: atomically for a regular file, through for a stream (see ``AtomicFile``).
    /// - Parameters:
    ///   - bytes: The file's new contents.
    ///   - url: The destination.
    ///   - options: Which kinds of destination are accepted.
    /// - Throws: ``WriteError``.
    package static func write(_ bytes: some ContiguousBytes, to url: URL, options: Options = Options())
        throws(WriteError)
    {
        let given = url.path
        if options.writeThroughStreams, let descriptor = openDescriptor(named: given) {
            if let failure = writeAll(bytes, to: descriptor) { throw WriteError(path: given, reason: failure) }
            return
        }
        var info = stat()
        if lstat(given, &info) == 0, fileType(info) == S_IFLNK {
            guard options.followSymbolicLinks else { throw WriteError(path: given, reason: "it is a symbolic link") }
            var target = stat()
            if stat(given, &target) == 0, isStream(target) {
                guard options.writeThroughStreams else {
                    throw WriteError(path: given, reason: "it is \(kindName(target)), not a regular file")
                }
                return try writeThrough(bytes, to: given)
            }
            let resolved = try resolveLinks(given)
            return try write(bytes, toResolved: resolved, reportedAs: given, options: options)
        }
        try write(bytes, toResolved: given, reportedAs: given, options: options)
    }

    private static func write(
        _ bytes: some ContiguousBytes, toResolved path: String, reportedAs given: String, options: Options
    ) throws(WriteError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            if isStream(info) {
                guard options.writeThroughStreams else {
                    throw WriteError(path: given, reason: "it is \(kindName(info)), not a regular file")
                }
                return try writeThrough(bytes, to: path, reportedAs: given)
            }
            guard fileType(info) == S_IFREG else {
                throw WriteError(path: given, reason: "it is \(kindName(info)), not a regular file; not replaced")
            }
            try replace(path, with: bytes, keeping: info, permissions: options.permissions, reportedAs: given)
        } else if errno == ENOENT {
            try replace(path, with: bytes, keeping: nil, permissions: options.permissions, reportedAs: given)
        } else {
            throw WriteError(path: given, reason: lastError())
        }
    }

    /// Saves a copy of the regular file at `url` as `NAME.bak`, never overwriting a backup.
    ///
    /// When `NAME.bak` exists the copy is `NAME.bak.1`, then `NAME.bak.2`…; it has the original's mode and owner.
    /// - Parameter url: The file to back up.
    /// - Returns: The backup's URL.
    /// - Throws: ``WriteError`` when the file cannot be read or no backup name is free (after `NAME.bak.999`).
    @discardableResult
    package static func backUp(_ url: URL) throws(WriteError) -> URL {
        var info = stat()
        guard stat(url.path, &info) == 0 else { throw WriteError(path: url.path, reason: lastError()) }
        let original: Data
        do {
            original = try Data(contentsOf: url)
        } catch {
            throw WriteError(path: url.path, reason: "cannot read it for its backup")
        }
        for number in 0...999 {
            let candidate = url.path + (number == 0 ? ".bak" : ".bak.\(number)")
            if try createNew(candidate, with: original, keeping: info) { return URL(fileURLWithPath: candidate) }
        }
        throw WriteError(path: url.path + ".bak", reason: "every backup name up to .bak.999 is taken")
    }

    /// Removes temporary files in `directory` that no running writer holds: unlocked and untouched for
    /// ``abandonedAge`` seconds (a writer holds an exclusive `flock` on its temporary file until it is renamed).
    /// - Parameter directory: The folder to clean.
    /// - Returns: How many files were removed.
    @discardableResult
    package static func removeAbandonedTemporaries(in directory: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var removed = 0
        for name in names where name.hasPrefix(temporaryPrefix) && name.utf8.count == temporaryPrefix.utf8.count + 6 {
            let path = directory.appendingPathComponent(name).path
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0, fileType(info) == S_IFREG,
                Date().timeIntervalSince1970 - Double(info.st_mtim.tv_sec) >= abandonedAge,
                flock(fd, LOCK_EX | LOCK_NB) == 0
            else { continue }
            if unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    // MARK: - Regular files

    /// Writes a temporary file and renames it over `path`; with `existing`, the new file gets its mode and owner.
    private static func replace(
        _ path: String, with bytes: some ContiguousBytes, keeping existing: stat?, permissions: Int?,
        reportedAs given: String
    ) throws(WriteError) {
        let directory = (path as NSString).deletingLastPathComponent
        let (fd, temporary) = try makeTemporary(in: directory.isEmpty ? "." : directory, reportedAs: given)
        var failure = writeAll(bytes, to: fd)
        if failure == nil { failure = setModeAndOwner(fd, like: existing, permissions: permissions) }
        if failure == nil, fsync(fd) != 0 { failure = lastError() }
        if failure == nil, rename(temporary, path) != 0 { failure = lastError() }
        if let failure {
            unlink(temporary)
            close(fd)
            throw WriteError(path: given, reason: failure)
        }
        close(fd)
        syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// Writes a new file at `path` without ever replacing one; returns false when `path` exists.
    ///
    /// The temporary file is hard-linked into place, which fails when the name is taken.
    private static func createNew(_ path: String, with bytes: Data, keeping existing: stat) throws(WriteError) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        let (fd, temporary) = try makeTemporary(in: directory.isEmpty ? "." : directory, reportedAs: path)
        defer {
            unlink(temporary)
            close(fd)
        }
        var failure = writeAll(bytes, to: fd)
        if failure == nil { failure = setModeAndOwner(fd, like: existing) }
        if failure == nil, fsync(fd) != 0 { failure = lastError() }
        if let failure { throw WriteError(path: path, reason: failure) }
        if link(temporary, path) != 0 {
            if errno == EEXIST { return false }
            throw WriteError(path: path, reason: lastError())
        }
        syncDirectory(directory.isEmpty ? "." : directory)
        return true
    }

    /// Creates `.ck-XXXXXX` in `directory`, locked so that no other run removes it.
    private static func makeTemporary(in directory: String, reportedAs given: String) throws(WriteError) -> (
        Int32, String
    ) {
        var template = Array((directory + "/" + temporaryPrefix + "XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WriteError(path: given, reason: lastError()) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = flock(fd, LOCK_EX)
        return (fd, template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }

    /// Gives the new file the replaced file's permission bits and owner, or `0644` less the umask for a new file.
    ///
    /// With `permissions`, the file gets exactly those bits; mkstemp made it 0600, and it never has wider bits
    /// than the final ones on the way (a secret is never readable by others, not even for a moment).
    private static func setModeAndOwner(_ fd: Int32, like existing: stat?, permissions: Int? = nil) -> String? {
        let fixed = permissions.map { mode_t($0 & 0o7777) }
        guard let existing else {
            return fchmod(fd, fixed ?? (0o644 & ~currentUmask)) == 0 ? nil : lastError()
        }
        var own = stat()
        if fstat(fd, &own) == 0, own.st_uid != existing.st_uid || own.st_gid != existing.st_gid {
            // Only root (or the owner, for the group) may give the file away; otherwise the writer keeps it.
            if fchown(fd, existing.st_uid, existing.st_gid) != 0, errno != EPERM { return lastError() }
        }
        // After fchown, which clears set-user-ID and set-group-ID bits.
        return fchmod(fd, fixed ?? (existing.st_mode & 0o7777)) == 0 ? nil : lastError()
    }

    private static var currentUmask: mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }

    // MARK: - Streams

    /// Writes through to a character device, FIFO or socket, opened without creating or truncating anything.
    private static func writeThrough(
        _ bytes: some ContiguousBytes, to path: String, reportedAs given: String? = nil
    ) throws(WriteError) {
        let name = given ?? path
        var info = stat()
        let fd: Int32
        if stat(path, &info) == 0, fileType(info) == S_IFSOCK {
            fd = try connectSocket(path, reportedAs: name)
        } else {
            fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        }
        guard fd >= 0 else { throw WriteError(path: name, reason: lastError()) }
        defer { close(fd) }
        if let failure = writeAll(bytes, to: fd) { throw WriteError(path: name, reason: failure) }
    }

    private static func connectSocket(_ path: String, reportedAs given: String) throws(WriteError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            throw WriteError(path: given, reason: "the socket path is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        #if canImport(Glibc)
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw WriteError(path: given, reason: lastError()) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let reason = lastError()
            close(fd)
            throw WriteError(path: given, reason: reason)
        }
        return fd
    }

    // MARK: - Pieces

    /// The open descriptor that `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` or `/proc/self/fd/N` names, if open.
    ///
    /// Writing to it directly keeps what the shell set up: `-o /dev/stdout >> log` appends, a pipe stays a pipe.
    private static func openDescriptor(named path: String) -> Int32? {
        let number: Int32?
        switch path {
        case "/dev/stdout": number = 1
        case "/dev/stderr": number = 2
        default:
            let prefixes = ["/dev/fd/", "/proc/self/fd/"]
            guard let prefix = prefixes.first(where: path.hasPrefix) else { return nil }
            number = Int32(path.dropFirst(prefix.count))
        }
        guard let number, number >= 0, fcntl(number, F_GETFD) != -1 else { return nil }
        return number
    }

    /// Follows symbolic links from `path` to a path that is not one (which may not exist yet).
    private static func resolveLinks(_ path: String) throws(WriteError) -> String {
        var current = path
        for _ in 0..<maxSymbolicLinks {
            var info = stat()
            guard lstat(current, &info) == 0, fileType(info) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count >= 0 else { throw WriteError(path: path, reason: lastError()) }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current =
                target.hasPrefix("/")
                ? target : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
        }
        throw WriteError(path: path, reason: "more than \(maxSymbolicLinks) symbolic links")
    }

    /// Writes every byte (retrying on EINTR and short writes); returns the failure, if any.
    private static func writeAll(_ bytes: some ContiguousBytes, to fd: Int32) -> String? {
        bytes.withUnsafeBytes { buffer -> String? in
            var offset = 0
            while offset < buffer.count {
                var chunk = buffer.count - offset
                if let budget = AtomicFileFaults.byteBudget {
                    chunk = budget.take(chunk)
                    if chunk == 0 { return String(cString: strerror(ENOSPC)) }
                }
                let written = Foundation.write(fd, buffer.baseAddress! + offset, chunk)
                if written < 0 {
                    if errno == EINTR { continue }
                    return lastError()
                }
                offset += written
            }
            return nil
        }
    }

    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    private static func fileType(_ info: stat) -> mode_t { info.st_mode & S_IFMT }

    private static func isStream(_ info: stat) -> Bool {
        [S_IFCHR, S_IFIFO, S_IFSOCK].contains(fileType(info))
    }

    /// "a folder", "a block device"…, for messages.
    static func kindName(_ info: stat) -> String {
        switch fileType(info) {
        case S_IFDIR: "a folder"
        case S_IFBLK: "a block device"
        case S_IFCHR: "a character device"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

/// Simulated write failures, for tests of what a full disk leaves behind.
@_spi(Testing) public enum AtomicFileFaults {
    /// A number of bytes that may still be written; once spent, writes fail with ENOSPC.
    package final class ByteBudget: @unchecked Sendable {
        private let lock = NSLock()
        private var remaining: Int

        /// A budget of `bytes`.
        package init(bytes: Int) { remaining = bytes }

        /// Takes up to `count` bytes; returns how many were granted (0 when spent).
        func take(_ count: Int) -> Int {
            lock.lock()
            defer { lock.unlock() }
            let granted = min(count, remaining)
            remaining -= granted
            return granted
        }
    }

    /// The budget in force for writes made in this task; `nil` (the default) writes normally.
    @TaskLocal package static var byteBudget: ByteBudget?
}
