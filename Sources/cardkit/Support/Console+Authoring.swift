import Foundation

extension Console {
    /// Writes an error line in the `cardkit: PATH: error: MESSAGE` style (issue 14) to standard error.
    ///
    /// - Parameter line: The error, usually an error's `description` (`PATH: error: MESSAGE`).
    static func fail(_ line: String) {
        error(line.hasPrefix("cardkit: ") ? line : "cardkit: " + line)
    }
}
