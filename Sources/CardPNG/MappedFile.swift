import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a regular file, unmapped in `deinit`.
///
/// A metadata read touches every byte once (the CRCs); mapping the page-cached file avoids copying it first, which
/// is what lets a read cost about what reading the bytes costs. Files that cannot be mapped (pipes, special files,
/// empty files) are read into memory instead.
final class MappedFile: ContiguousBytes {
    private let base: UnsafeMutableRawPointer?
    private let count: Int
    private let fallback: Data?

    /// Opens and maps `url`; falls back to reading it.
    init(url: URL, maxSize: Int) throws {
        let fd = url.withUnsafeFileSystemRepresentation { path in path.map { open($0, O_RDONLY | O_CLOEXEC) } ?? -1 }
        guard fd >= 0 else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0, Int(info.st_size) <= maxSize {
            let size = Int(info.st_size)
            #if canImport(Glibc)
            let flags = MAP_PRIVATE | MAP_POPULATE
            #else
            let flags = MAP_PRIVATE
            #endif
            let pointer = mmap(nil, size, PROT_READ, flags, fd, 0)
            if let pointer, pointer != MAP_FAILED {
                base = pointer
                count = size
                fallback = nil
                return
            }
        }
        base = nil
        count = 0
        fallback = try Data(contentsOf: url)
    }

    deinit {
        if let base { munmap(base, count) }
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let fallback { return try fallback.withUnsafeBytes(body) }
        return try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}
