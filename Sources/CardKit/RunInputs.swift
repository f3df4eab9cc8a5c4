import CardKitFiles
import Foundation

/// The files a run reads, by device and inode, so that no output of the run replaces one of them, whatever
/// path (or link) names it.
///
/// Character devices (a terminal, `/dev/null`) are not counted: reading and writing one in a run does no harm.
package struct RunInputs: Sendable {
    private var paths: [AtomicFile.FileID: String] = [:]

    /// The identities of `inputs`; standard input counts when it is a file (`< card.json`).
    /// - Parameter inputs: The run's inputs.
    package init(_ inputs: [CardInput]) {
        for input in inputs { add(input.path) }
    }

    /// Adds one more input (for example `embed`'s image).
    /// - Parameter path: The input's path; `-` for standard input.
    package mutating func add(_ path: String) {
        let id = path == "-" ? AtomicFile.FileID(descriptor: 0) : AtomicFile.FileID(path: path)
        // A character device (a terminal, /dev/null) can be read and written in one run without harm.
        guard let id, !isCharacterDevice(path) else { return }
        paths[id] = paths[id] ?? (path == "-" ? "'-' (standard input)" : path)
    }

    /// The input that `destination` is (following links), if it is one.
    /// - Parameter destination: A path the run would write.
    /// - Returns: The input's path as the run named it, or `nil`.
    package func input(at destination: String) -> String? {
        guard let id = AtomicFile.FileID(path: destination), !isCharacterDevice(destination) else { return nil }
        return paths[id]
    }

    /// Throws when writing `destination` would replace an input of the run.
    /// - Parameter destination: A path the run would write.
    /// - Throws: ``CardFileError`` naming the output and the input.
    package func refuse(_ destination: String) throws(CardFileError) {
        if let input = input(at: destination) {
            throw CardFileError(
                path: destination, kind: .unreadable,
                reason: "the output would overwrite the input \(input) of this run; not written")
        }
    }

    private func isCharacterDevice(_ path: String) -> Bool {
        (try? FileStatus.of(path == "-" ? "/dev/stdin" : path).get())?.kind == .characterDevice
    }
}
