import CardFormats
import CardKitJSON
import CardModel
import CardPNG
import CardPlatforms
import Foundation

/// A card with everything its container held besides the card: the portrait and the asset files, gathered so that
/// they travel to another container (internal).
///
/// - A PNG gives its own image (without the card and asset chunks) and its RisuAI asset chunks: those a
///   `__asset:NAME` URI names, and those nothing names.
/// - A CharX gives its main icon and every other file: those an `embeded://` URI names, and those nothing names
///   (`module.risum`, `x_meta/`).
/// - JSON and YAML give nothing but the card; their `data:` URIs travel inside it.
///
/// Pointers in the loss entries are into the V3 form of the card (`/data/assets/N`).
struct CardPackage {
    /// One file travelling with the card.
    struct Asset {
        /// The position in `data.assets` of the descriptor naming the file; nil for a file nothing names.
        var index: Int?
        /// Where the file was: a CharX entry path, or a PNG asset chunk's keyword.
        var source: String
        /// The file's bytes.
        var bytes: Data
        /// The PNG asset chunk name (the keyword after `chara-ext-asset_:`), for a file read from a PNG.
        var chunkName: String?
        /// The CharX entry path, for a file read from a CharX.
        var archivePath: String?
    }

    /// The card, in V3.
    var card: Card
    /// The portrait: the PNG's image, or the CharX's main icon; nil for JSON and YAML cards.
    var image: Data?
    /// Where the portrait was (`the PNG image`, or the icon's CharX path).
    var imageSource: String?
    /// The position in `data.assets` of the descriptor naming the portrait, or of the main icon with a
    /// `ccdefault:` URI (which means the portrait).
    var imageIndex: Int?
    /// The CharX entry holding the portrait, for a CharX whose main icon is an entry.
    var imageEntryPath: String?
    /// Whether the card came from a CharX.
    var fromArchive = false
    /// Every other file, named or not, in card order, then container order.
    var assets: [Asset] = []
    /// What reading could not gather (an asset chunk a URI names that is missing or could not be decoded).
    var losses: [LossEntry] = []
    /// The conversion to V3's diagnostics.
    var diagnostics: [Diagnostic] = []

    /// The keyword prefix of a RisuAI asset chunk.
    static let chunkPrefix = "chara-ext-asset_:"

    /// Gathers the package of a loaded card.
    init(_ loaded: LoadedCard) {
        let v3 = loaded.card.converted(to: .v3)
        card = v3.card
        diagnostics = v3.diagnostics
        switch loaded.container {
        case .png: gatherPNG(loaded)
        case .charx: if let document = loaded.charx { gatherCharX(document) }
        case .json, .yaml: break
        }
        if imageIndex == nil { imageIndex = defaultIconIndex() }
    }

    /// The main icon (named `main`, else the first icon) when its URI is `ccdefault:` or empty.
    private func defaultIconIndex() -> Int? {
        let list = descriptors
        let icons = list.indices.filter { list[$0].objectValue?["type"]?.stringValue == "icon" }
        let main = icons.first { list[$0].objectValue?["name"]?.stringValue == "main" } ?? icons.first
        guard let main else { return nil }
        let uri = list[main].objectValue?["uri"]?.stringValue ?? ""
        return uri.isEmpty || uri.lowercased().hasPrefix("ccdefault:") ? main : nil
    }

    /// The card's `data.assets`.
    var descriptors: [JSONValue] { card.fields["assets"]?.arrayValue ?? [] }

    static func pointer(_ index: Int?, _ tokens: String...) -> JSONPointer {
        guard let index else { return JSONPointer() }
        return JSONPointer(tokens: ["data", "assets", String(index)] + tokens)
    }

    private mutating func gatherPNG(_ loaded: LoadedCard) {
        let stripped = try? PNGCardWriter.embed([], into: loaded.fileBytes, options: Self.stripping)
        image = stripped.map { Data($0.png) } ?? loaded.fileBytes
        imageSource = "the PNG image"
        var chunks: [String: PNGCardAsset] = [:]
        for asset in loaded.pngScan?.assets ?? [] { chunks[asset.name] = asset }  // the last one wins, as in RisuAI
        var named: Set<String> = []
        for (index, value) in descriptors.enumerated() {
            let descriptor = CardAsset(object: value.objectValue ?? JSONObject())
            guard descriptor.uri.lowercased().hasPrefix("__asset:") else { continue }
            let name = String(descriptor.uri.dropFirst("__asset:".count))
            guard let chunk = chunks[name] else {
                losses.append(
                    LossEntry(
                        .dropped, pointer: Self.pointer(index, "uri"),
                        reason: "no readable asset chunk \(Self.chunkPrefix)\(name) in the PNG (see its warnings)",
                        asset: "\(Self.chunkPrefix)\(name)"))
                continue
            }
            named.insert(name)
            assets.append(
                Asset(
                    index: index, source: chunk.location.keyword, bytes: Data(chunk.data), chunkName: name,
                    archivePath: nil))
        }
        for chunk in loaded.pngScan?.assets ?? [] where !named.contains(chunk.name) && chunks[chunk.name] == chunk {
            assets.append(
                Asset(
                    index: nil, source: chunk.location.keyword, bytes: Data(chunk.data), chunkName: chunk.name,
                    archivePath: nil))
        }
    }

    private mutating func gatherCharX(_ document: CharXDocument) {
        fromArchive = true
        let main = document.mainIcon
        if let main, let bytes = main.bytes {
            image = bytes
            imageSource = main.path ?? "the main icon's data: URI"
            imageEntryPath = main.path
            imageIndex = main.index
        }
        for asset in document.assets {
            guard let path = asset.path, let bytes = asset.bytes else { continue }
            if let main, asset.index != nil, asset.index == main.index { continue }
            assets.append(Asset(index: asset.index, source: path, bytes: bytes, chunkName: nil, archivePath: path))
        }
    }

    /// Writer options that remove card and asset chunks.
    static var stripping: PNGWriteOptions {
        var options = PNGWriteOptions()
        options.input.crcPolicy = .warn  // the read already applied the CRC policy
        options.removeAssetChunks = true
        return options
    }
}

// MARK: - Writing

extension CardPackage {
    /// What a write produced: the bytes and what did not arrive as it was.
    struct Written {
        var bytes: [UInt8]
        var losses: [LossEntry]
        var diagnostics: [Diagnostic]
    }

    /// A PNG card: `override` when given, else the portrait when it is a PNG (byte for byte, without card chunks),
    /// else the default avatar; every other file as a RisuAI asset chunk, referenced as `__asset:NAME`.
    ///
    /// A portrait that is not a PNG travels as an asset chunk too, and is reported, since the image becomes the
    /// default avatar. With `dropAssets`, no asset chunk is written and each file is reported as dropped.
    func png(image override: Data?, dropAssets: Bool, options: CardConversionOptions) throws(PNGCardError)
        -> Written
    {
        var losses = self.losses
        var v3 = card
        var files = assets
        let imageBytes: Data
        if let override {
            imageBytes = override  // the caller's image is the portrait now
            if let imageIndex { setURI(&v3, imageIndex, "ccdefault:", ext: "png") }
        } else if let image, FileSignature.detect(image) == .png {
            imageBytes = image
            if let imageIndex { setURI(&v3, imageIndex, "ccdefault:", ext: "png") }
        } else {
            imageBytes = Data(try PNGDefaultAvatar.png())
            if let image {
                let kind = FileSignature.detect(image).description
                files.insert(
                    Asset(index: imageIndex, source: imageSource ?? "", bytes: image, chunkName: nil, archivePath: nil),
                    at: 0)
                losses.append(
                    LossEntry(
                        .coerced, pointer: Self.pointer(imageIndex),
                        reason:
                            "the main icon is \(kind), and a PNG card's image must be a PNG: the image is the default avatar"
                            + (dropAssets ? "" : ", and the icon travels as an asset chunk"),
                        asset: imageSource))
            }
        }
        var payloads: [PNGCardPayload] = []
        var usedNames = Set(files.compactMap(\.chunkName))
        var written: Set<String> = []
        var reported: Set<Int> = []
        var next = 0
        for file in files {
            if dropAssets {
                losses.append(
                    LossEntry(
                        .dropped, pointer: Self.pointer(file.index),
                        reason: "asset files are not written to the PNG (dropping assets); its descriptor is removed",
                        asset: file.source))
                if let index = file.index { reported.insert(index) }
                continue
            }
            var name: String
            if let chunkName = file.chunkName {
                name = chunkName
            } else if file.index == nil, let path = file.archivePath {
                name = path
            } else {
                while usedNames.contains(String(next)) { next += 1 }
                name = String(next)
            }
            if !Self.isValidKeyword(Self.chunkPrefix + name) {
                // RisuAI finds a keyword's NUL only in a chunk's first 70 bytes: a longer name gets a number.
                while usedNames.contains(String(next)) { next += 1 }
                if file.index == nil {
                    losses.append(
                        LossEntry(
                            .coerced, pointer: Self.pointer(nil),
                            reason:
                                "the name is too long for a PNG chunk keyword; the file travels as \(Self.chunkPrefix)\(next)",
                            asset: file.source))
                }
                name = String(next)
            }
            usedNames.insert(name)
            let keyword = Self.chunkPrefix + name
            if let index = file.index { setURI(&v3, index, "__asset:\(name)", ext: nil) }
            written.insert("__asset:\(name)")
            payloads.append(PNGCardPayload(keyword: keyword, bytes: [UInt8](file.bytes)))
        }
        var warnings: [Diagnostic] = []
        checkContainerURIs(of: &v3, written: written, dropped: reported, warnings: &warnings)
        let v2 = v3.converted(to: .v2, options: options)
        payloads.append(.chara(JSONWriter.bytes(v2.card.json)))
        payloads.append(.ccv3(JSONWriter.bytes(v3.json)))
        var writeOptions = PNGWriteOptions()
        writeOptions.removeAssetChunks = true
        let embedded = try PNGCardWriter.embed(payloads, into: imageBytes, options: writeOptions)
        return Written(
            bytes: embedded.png, losses: losses, diagnostics: warnings + v2.diagnostics + embedded.diagnostics)
    }

    /// A CharX archive: `card.json` (V3, with `data.extensions`), the portrait as the main icon (the default avatar
    /// when there is none), and every other file, at its own path or the spec's `assets/{type}/{kind}/` layout.
    func charx() throws(CharXError) -> Written {
        var v3 = card
        if v3.fields["extensions"]?.objectValue == nil { v3[field: "extensions"] = .object(JSONObject()) }
        var taken: Set<String> = ["card.json"]
        for file in assets { if let path = file.archivePath { taken.insert(path) } }
        if let imageEntryPath { taken.insert(imageEntryPath) }
        var files: [CharXFile] = []
        var diagnostics: [Diagnostic] = []
        if let image {
            if let imageEntryPath {
                files.append(CharXFile(path: imageEntryPath, bytes: image))  // a CharX's icon stays where it was
                if let imageIndex { setURI(&v3, imageIndex, "embeded://\(imageEntryPath)", ext: nil) }
            } else if !fromArchive {
                try packIcon(image, into: &v3, files: &files, taken: &taken, diagnostics: &diagnostics)
            }
        }
        for file in assets {
            let path: String
            if let archivePath = file.archivePath {
                path = archivePath
            } else if let index = file.index {
                let descriptor = CardAsset(object: descriptors[index].objectValue ?? JSONObject())
                let ext =
                    descriptor.ext.isEmpty
                    ? (FileSignature.detect(file.bytes).avatarFileExtension ?? "") : descriptor.ext
                path = CharXPath.assetPath(
                    type: descriptor.type, name: descriptor.name.isEmpty ? String(index) : descriptor.name, ext: ext,
                    taken: &taken)
            } else {
                let name = file.chunkName ?? file.source
                // A name that looks like a path (CardKit writes a CharX file's path) goes back to it; a bare
                // name (RisuAI's numbers) goes under assets/other/.
                let looksLikePath = name.contains("/") || name.contains(".")
                if looksLikePath, (try? CharXPath.validate(name)) != nil, taken.insert(name).inserted {
                    path = name
                } else {
                    path = CharXPath.assetPath(type: "other", name: name, ext: "", taken: &taken)
                }
            }
            if let index = file.index { setURI(&v3, index, "embeded://\(path)", ext: nil) }
            files.append(CharXFile(path: path, bytes: file.bytes))
        }
        // RisuAI never finishes importing an archive without an asset file: the default avatar is the icon.
        if files.isEmpty || (image == nil && !fromArchive) {
            let avatar: Data
            if let image {
                avatar = image
            } else {
                do {
                    avatar = Data(try PNGDefaultAvatar.png())
                } catch {
                    throw .cannotWrite(reason: "the default avatar: \(error)")
                }
            }
            try packIcon(avatar, into: &v3, files: &files, taken: &taken, diagnostics: &diagnostics)
        }
        checkContainerURIs(
            of: &v3, written: Set(files.map { "embeded://\($0.path)" }), dropped: [], warnings: &diagnostics)
        let data = try CharXWriter.write(card: v3, files: files)
        return Written(bytes: [UInt8](data), losses: losses, diagnostics: diagnostics)
    }

    /// The report entries of a JSON output, which holds no file: the portrait and every asset, each dropped.
    func jsonLosses() -> [LossEntry] {
        var losses = self.losses
        if image != nil {
            losses.append(
                LossEntry(
                    .dropped, pointer: Self.pointer(imageIndex), reason: "a JSON card holds no image",
                    asset: imageSource))
        }
        for file in assets {
            let what = file.index == nil ? "a file no asset names" : "an asset file"
            losses.append(
                LossEntry(
                    .dropped, pointer: Self.pointer(file.index),
                    reason: "a JSON card holds no files; \(what) is not in the output", asset: file.source))
        }
        return losses
    }

    /// Points the portrait's icon descriptor (or a new `icon`/`main` one) at `assets/icon/images/main.png`.
    private func packIcon(
        _ image: Data, into v3: inout Card, files: inout [CharXFile], taken: inout Set<String>,
        diagnostics: inout [Diagnostic]
    ) throws(CharXError) {
        let ext = FileSignature.detect(image).avatarFileExtension ?? "png"
        let path = CharXPath.assetPath(type: "icon", name: "main", ext: ext, taken: &taken)
        var list = v3.fields["assets"]?.arrayValue ?? []
        if let imageIndex, imageIndex < list.count, var object = list[imageIndex].objectValue {
            let old = object["uri"]?.stringValue ?? ""
            if !old.isEmpty, !old.lowercased().hasPrefix("ccdefault:") {
                diagnostics.append(
                    Diagnostic(
                        .note, code: .iconReplaced, pointer: Self.pointer(imageIndex, "uri"),
                        "the main icon's image is now the archive entry \(path)"))
            }
            object["uri"] = .string("embeded://\(path)")
            object["ext"] = .string(ext)
            list[imageIndex] = .object(object)
        } else {
            let hasMain = list.contains {
                $0.objectValue?["type"]?.stringValue == "icon" && $0.objectValue?["name"]?.stringValue == "main"
            }
            let name = hasMain ? "portrait" : "main"
            list.insert(.object(CardAsset(type: "icon", uri: "embeded://\(path)", name: name, ext: ext).object), at: 0)
        }
        v3[field: "assets"] = .array(list)
        // First: SillyTavern takes the first entry whose name ends with the icon's file name.
        files.insert(CharXFile(path: path, bytes: image), at: 0)
    }

    /// Checks that every container URI (`embeded://`, `embedded://`, `__asset:`) names a file the output holds.
    ///
    /// RisuAI refuses to import a card with one that does not ("asset … not found"). The descriptors of files this
    /// write dropped (`dropped`, already reported) are removed; any other such URI was already dangling in the input
    /// and is kept as it was, with a warning.
    private func checkContainerURIs(
        of v3: inout Card, written: Set<String>, dropped: Set<Int>, warnings: inout [Diagnostic]
    ) {
        guard var list = v3.fields["assets"]?.arrayValue else { return }
        var removed: [Int] = []
        for (index, value) in list.enumerated() {
            let uri = value.objectValue?["uri"]?.stringValue ?? ""
            let lowered = uri.lowercased()
            let isContainerURI = ["embeded://", "embedded://", "__asset:"].contains { lowered.hasPrefix($0) }
            guard isContainerURI, !written.contains(uri) else { continue }
            if dropped.contains(index) {
                removed.append(index)
            } else {
                warnings.append(
                    Diagnostic(
                        .warning, code: .assetMissing, pointer: Self.pointer(index, "uri"),
                        "\(uri) names no file the output holds (nor did the input); RisuAI refuses to import such a card"
                    ))
            }
        }
        for index in removed.reversed() { list.remove(at: index) }
        if !removed.isEmpty { v3[field: "assets"] = .array(list) }
    }

    private func setURI(_ v3: inout Card, _ index: Int, _ uri: String, ext: String?) {
        guard var list = v3.fields["assets"]?.arrayValue, index < list.count, var object = list[index].objectValue
        else { return }
        object["uri"] = .string(uri)
        if let ext { object["ext"] = .string(ext) }
        list[index] = .object(object)
        v3[field: "assets"] = .array(list)
    }

    /// Whether a keyword is printable Latin-1 of at most 69 characters: PNG allows 79, but RisuAI looks for the
    /// NUL that ends a keyword only in a chunk's first 70 bytes.
    static func isValidKeyword(_ keyword: String) -> Bool {
        let scalars = keyword.unicodeScalars
        return (1...69).contains(scalars.count)
            && scalars.allSatisfy { ($0.value >= 0x20 && $0.value <= 0x7E) || ($0.value >= 0xA1 && $0.value <= 0xFF) }
            && scalars.last != " "
    }
}
