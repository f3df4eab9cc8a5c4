/// What a file is, from its first bytes: the one magic-byte sniffer every reader and command uses.
///
/// Deeper recognition (CharX against other ZIPs, World Info, lorebooks, YAML, older JSON shapes) builds on this in
/// `CardFormatSniffer`; this type looks at no more than the first 67 bytes and never parses.
package enum FileSignature: Sendable, Hashable, CustomStringConvertible {
    /// The full 8-byte PNG signature.
    case png
    /// The first four bytes of a PNG signature with the rest altered (a damaged PNG).
    case damagedPNG
    /// A ZIP archive (a local file header or an empty archive's end record at offset 0).
    case zip
    /// A JPEG image.
    case jpeg
    /// A WebP image (`RIFF….WEBP`).
    case webp
    /// A GIF image.
    case gif
    /// A BMP image.
    case bmp
    /// A TIFF image.
    case tiff
    /// An ISO media file (AVIF, HEIC, MP4: `ftyp` at offset 4).
    case isoMedia
    /// A Windows executable stub (`MZ`).
    case executable
    /// Text whose first character, after an optional BOM and up to 64 bytes of white space, is `{` or `[`.
    case json
    /// None of the above: other text (YAML) or unknown binary.
    case other

    /// The bytes of the PNG signature.
    package static let pngBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads the signature of the bytes.
    /// - Parameter bytes: The file's bytes (only the first 67 are looked at).
    /// - Returns: The signature, or ``other``.
    package static func detect(_ bytes: some Collection<UInt8>) -> FileSignature {
        let head = Array(bytes.prefix(67))
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<(offset + magic.count)]) == magic
        }
        if starts(pngBytes) { return .png }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return .damagedPNG }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("GIF8".utf8)) { return .gif }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(Array("ftyp".utf8), at: 4) { return .isoMedia }
        // "BM" also starts text such as "BMI: ..."; a BMP header has a NUL within its first 14 bytes.
        if starts([0x42, 0x4D]), head.count >= 14, head[2..<14].contains(0) { return .bmp }
        if starts([0x4D, 0x5A]) { return .executable }
        var i = starts([0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < head.count, i < 67, [0x20, 0x09, 0x0A, 0x0D].contains(head[i]) { i += 1 }
        if i < head.count, head[i] == UInt8(ascii: "{") || head[i] == UInt8(ascii: "[") { return .json }
        return .other
    }

    /// Whether the signature is an image format other than PNG (which cards carry) or damaged PNG.
    package var isNonPNGImage: Bool {
        switch self {
        case .jpeg, .webp, .gif, .bmp, .tiff, .isoMedia: true
        case .png, .damagedPNG, .zip, .executable, .json, .other: false
        }
    }

    /// The image's MIME type, for the image formats avatars use (PNG, JPEG, WebP, GIF); `nil` otherwise.
    package var avatarMIMEType: String? {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .webp: "image/webp"
        case .gif: "image/gif"
        case .damagedPNG, .zip, .bmp, .tiff, .isoMedia, .executable, .json, .other: nil
        }
    }

    /// The file extension of the image formats avatars use (`png`, `jpg`, `webp`, `gif`); `nil` otherwise.
    package var avatarFileExtension: String? {
        switch self {
        case .png: "png"
        case .jpeg: "jpg"
        case .webp: "webp"
        case .gif: "gif"
        case .damagedPNG, .zip, .bmp, .tiff, .isoMedia, .executable, .json, .other: nil
        }
    }

    /// The format's name in messages such as "not a PNG: looks like JPEG".
    package var description: String {
        switch self {
        case .png: "PNG"
        case .damagedPNG: "a damaged PNG (its signature is altered)"
        case .zip: "ZIP (CharX?)"
        case .jpeg: "JPEG"
        case .webp: "WebP"
        case .gif: "GIF"
        case .bmp: "BMP"
        case .tiff: "TIFF"
        case .isoMedia: "AVIF/HEIF (ISO media)"
        case .executable: "an executable"
        case .json: "JSON"
        case .other: "unknown data"
        }
    }
}
