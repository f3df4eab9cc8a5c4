import Foundation
import ZIPFoundation

/// Builds ZIP archives in memory for tests, including ones the CharX writer would refuse to make.
enum ZIPFixtures {
    enum Item {
        case file(String, Data, compressed: Bool = true)
        case symlink(String, target: String)
        case directory(String)
    }

    static func make(_ items: [Item]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        let date = Date(timeIntervalSince1970: 1_704_067_200)
        for item in items {
            switch item {
            case .file(let path, let data, let compressed):
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                    compressionMethod: compressed ? .deflate : .none
                ) { (position: Int64, size: Int) in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            case .symlink(let path, let target):
                let data = Data(target.utf8)
                try archive.addEntry(
                    with: path, type: .symlink, uncompressedSize: Int64(data.count), modificationDate: date
                ) { (position: Int64, size: Int) in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            case .directory(let path):
                try archive.addEntry(with: path, type: .directory, uncompressedSize: 0, modificationDate: date) {
                    (_: Int64, _: Int) in Data()
                }
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// A minimal V3 card JSON with the given assets JSON (or none).
    static func cardJSON(name: String = "Fixture", assets: String? = nil) -> Data {
        var text =
            #"{"spec":"chara_card_v3","spec_version":"3.0","data":{"name":"\#(name)","description":"d","personality":"","scenario":"","first_mes":"hi","mes_example":"","creator_notes":"","system_prompt":"","post_history_instructions":"","alternate_greetings":[],"tags":[],"creator":"","character_version":"","extensions":{},"group_only_greetings":[]"#
        if let assets { text += #","assets":\#(assets)"# }
        text += "}}"
        return Data(text.utf8)
    }

    /// Rewrites the declared uncompressed size of every entry (local and central headers) to `size`.
    static func patchUncompressedSizes(_ zip: Data, to size: UInt32) -> Data {
        var bytes = [UInt8](zip)
        func put(_ offset: Int) {
            bytes[offset] = UInt8(size & 0xFF)
            bytes[offset + 1] = UInt8(size >> 8 & 0xFF)
            bytes[offset + 2] = UInt8(size >> 16 & 0xFF)
            bytes[offset + 3] = UInt8(size >> 24 & 0xFF)
        }
        var index = 0
        while index + 4 <= bytes.count {
            if bytes[index] == 0x50, bytes[index + 1] == 0x4B {
                if bytes[index + 2] == 0x03, bytes[index + 3] == 0x04 { put(index + 22) }
                if bytes[index + 2] == 0x01, bytes[index + 3] == 0x02 { put(index + 24) }
            }
            index += 1
        }
        return Data(bytes)
    }

    /// Bytes that do not compress (a simple xorshift stream).
    static func noise(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> Data {
        var state = seed
        var out = Data(capacity: count)
        for _ in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            out.append(UInt8(truncatingIfNeeded: state))
        }
        return out
    }

    /// A PNG-looking image file (signature plus noise) for asset fixtures.
    static let fakePNG: Data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + noise(count: 300)
    /// The start of a JPEG file (SOI + APP0 JFIF) plus noise, to prefix a ZIP as RisuAI's charxJpeg does.
    static let fakeJPEG: Data =
        Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00]) + noise(count: 500, seed: 7)
        + Data([0xFF, 0xD9])
}
