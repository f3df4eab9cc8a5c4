internal import CCRC32
package import Foundation

/// CRC-32 as zlib's `crc32` computes it (the checksum of PNG chunks and ZIP entries), with the carry-less-multiply
/// engine of `CCRC32` where the CPU has one (PCLMULQDQ, AVX-512 VPCLMULQDQ) and zlib's otherwise.
package enum CRC32Checksum {
    /// The CRC-32 of `bytes`.
    /// - Parameters:
    ///   - bytes: The data.
    ///   - crc: The CRC of the bytes before these, to checksum data in pieces (0 to start).
    /// - Returns: The checksum.
    package static func compute(_ bytes: some ContiguousBytes, continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { raw in ccard_crc32(crc, raw.baseAddress, raw.count) }
    }
}

// MARK: - Engines (exposed to tests)

extension CRC32Checksum {
    /// A CRC-32 engine of `CCRC32`.
    enum Engine: Int32, CaseIterable, Sendable {
        /// zlib's `crc32` (the reference).
        case zlib = 0
        /// 128-bit PCLMULQDQ folding.
        case pclmul = 1
        /// AVX-512 VPCLMULQDQ folding.
        case vpclmul = 2
    }

    /// The best engine on this CPU.
    static var bestEngine: Engine { Engine(rawValue: ccard_crc32_accelerated()) ?? .zlib }

    /// The CRC-32 of `bytes` through `engine` (capped at the best one available), continued from `crc`.
    static func compute(_ bytes: some ContiguousBytes, continuing crc: UInt32 = 0, engine: Engine) -> UInt32 {
        bytes.withUnsafeBytes { raw in ccard_crc32_with(engine.rawValue, crc, raw.baseAddress, raw.count) }
    }
}
