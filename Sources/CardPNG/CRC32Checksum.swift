internal import CCardPNG
public import Foundation

/// CRC-32 as zlib's `crc32` computes it (the checksum of PNG chunks and ZIP entries), with the carry-less-multiply
/// engine of `CCardPNG` where the CPU has one (PCLMULQDQ, AVX-512 VPCLMULQDQ) and zlib's otherwise.
public enum CRC32Checksum {
    /// The CRC-32 of `bytes`.
    /// - Parameters:
    ///   - bytes: The data.
    ///   - crc: The CRC of the bytes before these, to checksum data in pieces (0 to start).
    /// - Returns: The checksum.
    public static func compute(_ bytes: some ContiguousBytes, continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { raw in ccard_png_crc32(crc, raw.baseAddress, raw.count) }
    }
}
