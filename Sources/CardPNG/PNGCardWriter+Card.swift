import CardKitJSON
public import CardModel

extension PNGCardWriter {
    /// Embeds a card: a `chara` chunk with its V2 form (V3-only fields kept under `data.extensions`) and a `ccv3`
    /// chunk with its V3 form, both compact JSON, just before IEND.
    ///
    /// - Parameters:
    ///   - card: the card, in any spec.
    ///   - png: the source PNG's bytes, or nil to use ``PNGDefaultAvatar``.
    ///   - writeV2: whether to write the `chara` V2 backfill (default true); false writes `ccv3` only.
    ///   - options: the input policy and whether to validate the output with libpng.
    /// - Returns: the new PNG; its diagnostics include the conversions' (what moved under `data.extensions`).
    /// - Throws: ``PNGCardError`` as ``embed(_:into:options:)`` does.
    public static func embed(
        card: Card,
        into png: [UInt8]?,
        writeV2: Bool = true,
        options: PNGWriteOptions = .init()
    ) throws(PNGCardError) -> PNGEmbedResult {
        let v3 = card.converted(to: .v3)
        var payloads: [PNGCardPayload] = []
        var diagnostics: [Diagnostic] = []
        if writeV2 {
            let v2 = card.converted(to: .v2)
            payloads.append(.chara(JSONWriter.bytes(v2.card.json)))
            diagnostics += v2.diagnostics
        }
        payloads.append(.ccv3(JSONWriter.bytes(v3.card.json)))
        let image: [UInt8]
        if let png { image = png } else { image = try PNGDefaultAvatar.png() }
        var result = try embed(payloads, into: image, options: options)
        result.diagnostics = diagnostics + result.diagnostics
        return result
    }
}
