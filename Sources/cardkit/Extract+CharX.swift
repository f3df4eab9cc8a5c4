import CardKit
import Foundation

extension ExtractCommand {
    /// Unpacks a CharX archive into `directory`; returns false when the input is not a CharX archive.
    func extractArchive(_ input: CardInput, to directory: URL) throws -> Bool {
        false
    }
}
