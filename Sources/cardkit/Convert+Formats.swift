import CardKit
import Foundation

extension ConvertCommand {
    /// Converts one input to a CharX archive, a character book or a SillyTavern World Info file (`to` says which).
    func convertWithFormats(_ item: CardInput) throws -> ConvertOutput {
        throw CardFileError(path: item.path, kind: .unsupportedFormat, reason: "conversion to \(to.rawValue) is not built yet")
    }
}
