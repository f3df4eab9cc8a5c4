/// The avatar CardKit draws for a card converted to PNG without an image: a soft diagonal gradient with a
/// neutral head-and-shoulders silhouette, encoded through libpng.
///
/// Drawn by this project; no third-party image.
public enum PNGDefaultAvatar {
    /// The avatar's side in pixels.
    public static let size = 256

    /// Draws the avatar and encodes it as an RGBA PNG (no text chunks).
    ///
    /// - Returns: the PNG's bytes.
    /// - Throws: ``PNGCardError/cannotWrite(reason:)`` if libpng fails to encode.
    public static func png() throws(PNGCardError) -> [UInt8] {
        try LibPNG.encodeRGBA(pixels(), width: size, height: size)
    }

    /// The avatar's RGBA pixels, rows top to bottom.
    static func pixels() -> [UInt8] {
        let n = size
        var pixels = [UInt8](repeating: 255, count: n * n * 4)
        let top: (Double, Double, Double) = (118, 150, 214)
        let bottom: (Double, Double, Double) = (186, 140, 200)
        let figure: (Double, Double, Double) = (244, 241, 250)
        for y in 0..<n {
            for x in 0..<n {
                let fx = Double(x) + 0.5
                let fy = Double(y) + 0.5
                let t = (fx + fy) / Double(2 * n)
                var r = top.0 + (bottom.0 - top.0) * t
                var g = top.1 + (bottom.1 - top.1) * t
                var b = top.2 + (bottom.2 - top.2) * t
                // Coverage of the silhouette: a head (circle) and shoulders (the top of a wide ellipse).
                let head = 44.0 - ((fx - 128).squared + (fy - 100).squared).squareRoot()
                let ex = (fx - 128) / 92
                let ey = (fy - 236) / 78
                let shoulders = (1 - (ex * ex + ey * ey).squareRoot()) * 78
                let coverage = min(1, max(0, max(head, shoulders) + 0.5))
                r += (figure.0 - r) * coverage
                g += (figure.1 - g) * coverage
                b += (figure.2 - b) * coverage
                let i = (y * n + x) * 4
                pixels[i] = UInt8(max(0, min(255, r.rounded())))
                pixels[i + 1] = UInt8(max(0, min(255, g.rounded())))
                pixels[i + 2] = UInt8(max(0, min(255, b.rounded())))
                pixels[i + 3] = 255
            }
        }
        return pixels
    }
}

extension Double {
    fileprivate var squared: Double { self * self }
}
