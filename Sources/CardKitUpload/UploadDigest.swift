import Crypto

/// The hex digests the upload side needs, from swift-crypto.
package enum UploadDigest {
    /// Lower-case hex SHA-256.
    package static func sha256Hex(_ bytes: some Collection<UInt8>) -> String { hex(SHA256.hash(data: Array(bytes))) }

    /// Lower-case hex MD5 (Spicychat's `save-image` names an image by it; not used for security).
    package static func md5Hex(_ bytes: some Collection<UInt8>) -> String { hex(Insecure.MD5.hash(data: Array(bytes))) }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
