#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `stat(2)` says about a path: its type and size, or the `errno` of the failure.
///
/// Callers in other targets use this rather than `stat` itself: under member import visibility the compiler may
/// attribute `stat`'s fields to CoreFoundation, which those targets do not import.
package struct FileStatus: Sendable, Hashable {
    /// The kinds of file a path can name.
    package enum Kind: Sendable, Hashable {
        /// A regular file.
        case regular
        /// A folder.
        case directory
        /// A named pipe.
        case fifo
        /// A character device (`/dev/null`, a terminal).
        case characterDevice
        /// A block device.
        case blockDevice
        /// A socket.
        case socket
        /// Anything else (a symbolic link is followed, so it is never this).
        case other
    }

    /// The file's kind.
    package var kind: Kind
    /// The file's size in bytes.
    package var size: Int64
    /// The last modification time, in nanoseconds since 1970 (`st_mtim`).
    package var modifiedNanoseconds: Int64 = 0
    /// The inode number (a rename over the file gives a new one).
    package var inode: UInt64 = 0

    /// Stats a path, following symbolic links.
    /// - Parameter path: The path.
    /// - Returns: The status, or the `errno` value of the failure.
    package static func of(_ path: String) -> Result<FileStatus, FileStatusError> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(FileStatusError(code: errno)) }
        let kind: Kind =
            switch info.st_mode & S_IFMT {
            case S_IFREG: .regular
            case S_IFDIR: .directory
            case S_IFIFO: .fifo
            case S_IFCHR: .characterDevice
            case S_IFBLK: .blockDevice
            case S_IFSOCK: .socket
            default: .other
            }
        #if canImport(Darwin)
            let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
            let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
        return .success(
            FileStatus(kind: kind, size: Int64(info.st_size), modifiedNanoseconds: modified, inode: UInt64(info.st_ino))
        )
    }
}

/// A failed `stat(2)`: its `errno`.
package struct FileStatusError: Error, Sendable, Hashable {
    /// The `errno` value.
    package var code: Int32

    /// Whether the path does not exist.
    package var isMissing: Bool { code == ENOENT }
    /// Whether permission was denied.
    package var isPermissionDenied: Bool { code == EACCES }
    /// The system's message for the error.
    package var message: String { String(cString: strerror(code)) }
}
