import CardKit
import Foundation

/// The process exit statuses `cardkit` promises.
enum ExitStatus {
    /// Every input was fine.
    static let success: Int32 = 0
    /// Some input was invalid or unreadable.
    static let invalidInput: Int32 = 1
    /// The command line was wrong.
    static let usage: Int32 = 2
}

/// Writes to standard output and standard error (never through the shared C `stderr`).
enum Console {
    /// Writes a line to standard error.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }

    /// Writes a line to standard output.
    static func output(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes raw bytes to standard output.
    static func outputBytes(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// An output error in the words of the command line: the in-place errors name the flags that would do instead.
    static func describe(_ error: OutputError) -> String {
        switch error.kind {
        case .changesKind(let input, let output):
            "\(error.path): error: --in-place would write \(output.uppercased()) into a .\(input) file; use --out-dir"
        case .notARegularFile: "\(error.path): error: --in-place replaces regular files only; use -o"
        case .replacesInput, .cannotCreateDirectory, .cannotWrite: error.description
        }
    }
}
