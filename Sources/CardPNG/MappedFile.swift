import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of a regular file: memory-mapped when the file is large, read into memory otherwise.
///
/// A metadata read touches every byte once (the CRCs). For a large file, mapping the page-cached file avoids
/// copying it first, which is what lets a read cost about what reading the bytes costs; for a small file, one
/// `read` is cheaper than setting up and tearing down a mapping. Files that are not regular files (pipes, special
/// files) are read with Foundation.
final class MappedFile: ContiguousBytes {
    /// Files at least this large are mapped.
    static let mappingThreshold = 4 << 20

    private let base: UnsafeMutableRawPointer?
    private let count: Int
    private let buffer: [UInt8]?
    private let fallback: Data?

    /// Opens `url` and maps or reads it.
    init(url: URL, maxSize: Int) throws {
        let fd = url.withUnsafeFileSystemRepresentation { path in path.map { open($0, O_RDONLY | O_CLOEXEC) } ?? -1 }
        guard fd >= 0 else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0, Int(info.st_size) <= maxSize {
            let size = Int(info.st_size)
            if size >= Self.mappingThreshold {
                #if canImport(Glibc)
                    let flags = MAP_PRIVATE | MAP_POPULATE
                #else
                    let flags = MAP_PRIVATE
                #endif
                let pointer = mmap(nil, size, PROT_READ, flags, fd, 0)
                if let pointer, pointer != MAP_FAILED {
                    base = pointer
                    count = size
                    buffer = nil
                    fallback = nil
                    return
                }
            } else {
                var complete = true
                let bytes = [UInt8](unsafeUninitializedCapacity: size) { out, initialized in
                    var done = 0
                    while done < size {
                        let n = read(fd, out.baseAddress! + done, size - done)
                        if n < 0 && errno == EINTR { continue }
                        if n <= 0 { break }
                        done += n
                    }
                    complete = done == size
                    initialized = done
                }
                if complete {
                    base = nil
                    count = size
                    buffer = bytes
                    fallback = nil
                    return
                }
            }
        }
        base = nil
        count = 0
        buffer = nil
        fallback = try Data(contentsOf: url)
    }

    deinit {
        if let base { munmap(base, count) }
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let buffer { return try buffer.withUnsafeBytes(body) }
        if let fallback { return try fallback.withUnsafeBytes(body) }
        return try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}
