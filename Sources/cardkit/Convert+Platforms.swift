import CardKit
import Foundation

extension ConvertCommand {
    /// Converts one card or persona file to the platform named by `to` (spicychat, chattr, nextchat, characterai).
    func convertForPlatform(_ item: CardInput) throws -> ConvertOutput {
        throw CardFileError(path: item.path, kind: .unsupportedFormat, reason: "conversion to \(to.rawValue) is not built yet")
    }
}
