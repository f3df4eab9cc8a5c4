import CardKitFiles
package import Foundation

/// Where a command writes what it made from each input.
package enum OutputDestination: Sendable, Hashable {
    /// Standard output: the caller prints the bytes.
    case standardOutput
    /// One file, for a run with one input.
    case file(String)
    /// A folder: each output is named after its input, numbered when a name is taken.
    case directory(String)
    /// Over each input itself, keeping a numbered `NAME.bak` backup when `backup` is true.
    case inPlace(backup: Bool)
}

/// Why an output was not written.
package struct OutputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a value to match.
    package enum Kind: Sendable, Hashable {
        /// The output is an input of the same run (by device and inode), named as the run named it.
        case replacesInput(String)
        /// Replacing in place would put one kind of file under another's name (PNG bytes in a `.json`).
        case changesKind(inputExtension: String, outputExtension: String)
        /// Replacing in place was asked of something that is not a regular file.
        case notARegularFile
        /// The output folder could not be made.
        case cannotCreateDirectory
        /// The file system refused the write; the reason is the system's.
        case cannotWrite(String)
        /// A named output file exists, and the writer was not told to replace it.
        case exists
    }

    /// The path that was not written.
    package var path: String
    /// What went wrong.
    package var kind: Kind

    /// An error for `path`.
    ///
    /// - Parameters:
    ///   - path: The path that was not written.
    ///   - kind: What went wrong.
    package init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    /// The reason in words, without the path.
    package var reason: String {
        switch kind {
        case .replacesInput(let input): "the output would overwrite the input \(input) of this run; not written"
        case .changesKind(let input, let output):
            "replacing in place would write \(output.uppercased()) into a .\(input) file"
        case .notARegularFile: "only a regular file can be replaced in place"
        case .cannotCreateDirectory: "cannot create the output directory"
        case .cannotWrite(let reason): "cannot write: \(reason)"
        case .exists: "the file exists; not replaced"
        }
    }

    /// `PATH: error: REASON`.
    package var description: String { "\(path): error: \(reason)" }
}

/// What an output became: printed by the caller, or written to a file.
package enum WrittenOutput: Sendable, Hashable {
    /// The caller is to print these bytes on standard output.
    case standardOutput([UInt8])
    /// The output was written to this path.
    case file(String)
}

/// Writes the outputs of a batch: names them, never replaces an input of the run (except in place, when asked),
/// and writes every file atomically through ``AtomicFile``.
///
/// In a folder, each output is named after its input's path below the folder walked (`a/b.json` becomes
/// `a_b.png`), and numbered (`a_b-2.png`) when an earlier output or another input has that name. Writing over
/// the input itself is refused: that is what ``OutputDestination/inPlace(backup:)`` is for.
package struct OutputWriter: Sendable {
    /// Where the outputs go.
    package let destination: OutputDestination
    /// Whether a named output file (`-o`, a report) may replace a file that exists; devices and FIFOs are always
    /// written through, and outputs in a folder are always replaced.
    package var replacesExistingFiles = false
    private let inputs: RunInputs
    private var usedNames: Set<String> = []

    /// A writer for one run.
    ///
    /// - Parameters:
    ///   - destination: Where the outputs go.
    ///   - inputs: Every file the run reads.
    package init(destination: OutputDestination, inputs: RunInputs) {
        self.destination = destination
        self.inputs = inputs
    }

    /// Makes the output folder if needed, and removes the temporary files that a killed run left where this run
    /// writes (never those of a writer still running).
    ///
    /// - Parameter items: The run's inputs (for in-place runs, whose outputs go beside them).
    /// - Throws: ``OutputError`` when the folder cannot be made.
    package func prepare(for items: [CardInput]) throws(OutputError) {
        switch destination {
        case .directory(let path):
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw OutputError(path: path, kind: .cannotCreateDirectory)
            }
            AtomicFile.removeAbandonedTemporaries(in: URL(fileURLWithPath: path))
        case .inPlace:
            for folder in Set(items.map { $0.url.deletingLastPathComponent().path }) {
                AtomicFile.removeAbandonedTemporaries(in: URL(fileURLWithPath: folder))
            }
        case .standardOutput, .file:
            break
        }
    }

    /// Writes the output made from `item`, and its companion files beside it (into a folder only).
    ///
    /// - Parameters:
    ///   - bytes: The output.
    ///   - item: The input it was made from.
    ///   - fileExtension: The output's extension without a dot (`png`, `json`), for names and in-place checks.
    ///   - suffix: What replaces the input's extension in a folder (`.png`, `.spicychat.json`).
    ///   - companions: Extra files, each named or, when `name` is nil, under the output's own name.
    /// - Returns: Where the output went.
    /// - Throws: ``OutputError``; nothing is written for that input then (companions written before the failure
    ///   stay).
    package mutating func write(
        _ bytes: [UInt8], for item: CardInput, fileExtension: String, suffix: String,
        companions: [ConversionFile] = []
    ) throws(OutputError) -> WrittenOutput {
        switch destination {
        case .standardOutput:
            return .standardOutput(bytes)
        case .file(let path):
            if path == "-" { return .standardOutput(bytes) }
            try refuseInput(path)
            try refuseExisting(path)
            try writeAtomically(bytes, to: path)
            return .file(path)
        case .directory(let folder):
            let directory = URL(fileURLWithPath: folder)
            let name = try name(for: item, in: directory, suffix: suffix)
            let path = directory.appendingPathComponent(name).path
            try writeAtomically(bytes, to: path)
            for companion in companions {
                let companionPath = directory.appendingPathComponent(companion.name ?? name).path
                try refuseInput(companionPath)
                try writeAtomically(companion.bytes, to: companionPath)
            }
            return .file(path)
        case .inPlace(let backup):
            try replace(item, with: bytes, fileExtension: fileExtension, backup: backup)
            return .file(item.path)
        }
    }

    /// Names `item`'s output in a folder destination now, as ``write(_:for:fileExtension:suffix:companions:)``
    /// would, so that a batch can name every output in input order before it writes any of them in parallel.
    ///
    /// The name is checked against the run's inputs and the names taken before it; write the bytes with
    /// ``writeReserved(_:to:)``.
    ///
    /// - Parameters:
    ///   - item: The input.
    ///   - suffix: What replaces the input's extension (`.png`).
    /// - Returns: The output's path, or `nil` when the destination is not a folder.
    /// - Throws: ``OutputError`` when the name is the input's own.
    package mutating func reservePath(for item: CardInput, suffix: String) throws(OutputError) -> String? {
        guard case .directory(let folder) = destination else { return nil }
        let directory = URL(fileURLWithPath: folder)
        return directory.appendingPathComponent(try name(for: item, in: directory, suffix: suffix)).path
    }

    /// Writes an output to a path that ``reservePath(for:suffix:)`` gave; safe to call from several threads for
    /// different paths.
    ///
    /// - Parameters:
    ///   - bytes: The output.
    ///   - path: The reserved path.
    /// - Throws: ``OutputError`` when the file system refuses the write.
    package func writeReserved(_ bytes: [UInt8], to path: String) throws(OutputError) {
        try writeAtomically(bytes, to: path)
    }

    /// The folder to unpack `item` into, for a folder destination: named like a file output, without a suffix.
    ///
    /// - Parameter item: The input.
    /// - Returns: The folder's URL, or `nil` when the destination is not a folder.
    /// - Throws: ``OutputError`` when the name is the input's own.
    package mutating func folder(for item: CardInput) throws(OutputError) -> URL? {
        guard case .directory(let path) = destination else { return nil }
        let directory = URL(fileURLWithPath: path)
        return directory.appendingPathComponent(try name(for: item, in: directory, suffix: ""), isDirectory: true)
    }

    /// Writes a conversion's output and, into a folder, its companion files.
    ///
    /// - Parameters:
    ///   - result: What converting `item` produced.
    ///   - item: The input.
    /// - Returns: Where the output went.
    /// - Throws: ``OutputError``.
    package mutating func write(_ result: ConversionResult, for item: CardInput) throws(OutputError) -> WrittenOutput {
        try write(
            result.output.bytes, for: item, fileExtension: result.target.fileExtension,
            suffix: result.target.fileSuffix, companions: result.companions)
    }

    /// The name of `item`'s output in `directory`: its relative path with `/` as `_`, numbered when taken.
    private mutating func name(for item: CardInput, in directory: URL, suffix: String) throws(OutputError) -> String {
        var stem = (item.relativePath as NSString).deletingPathExtension.replacingOccurrences(of: "/", with: "_")
        if item.isStandardInput { stem = "stdin" }
        var name = stem + suffix
        // The input's own name is refused (converting in place is its own destination); another input's name, or a
        // name an earlier output took, is numbered instead.
        if !item.isStandardInput, let own = AtomicFile.FileID(path: item.path),
            AtomicFile.FileID(path: directory.appendingPathComponent(name).path) == own
        {
            try refuseInput(directory.appendingPathComponent(name).path)
        }
        var counter = 2
        while usedNames.contains(name) || inputs.input(at: directory.appendingPathComponent(name).path) != nil {
            name = "\(stem)-\(counter)\(suffix)"
            counter += 1
        }
        usedNames.insert(name)
        return name
    }

    /// Replaces the input with `bytes`, keeping the original as `NAME.bak` (`NAME.bak.1`… when taken) first.
    ///
    /// The new bytes are written atomically with the input's mode and owner, so a crash leaves either the old or
    /// the new file; a link is kept and its target replaced.
    private func replace(_ item: CardInput, with bytes: [UInt8], fileExtension: String, backup: Bool)
        throws(OutputError)
    {
        let inputExtension = item.url.pathExtension.lowercased()
        let sameKind = inputExtension == fileExtension || (fileExtension == "png" && inputExtension == "apng")
        guard sameKind else {
            throw OutputError(
                path: item.path, kind: .changesKind(inputExtension: inputExtension, outputExtension: fileExtension))
        }
        guard Self.isRegularFile(item.path) else { throw OutputError(path: item.path, kind: .notARegularFile) }
        if backup {
            do {
                _ = try AtomicFile.backUp(item.url)
            } catch {
                throw OutputError(path: error.path, kind: .cannotWrite(error.reason))
            }
        }
        try writeAtomically(bytes, to: item.path)
    }

    private func refuseInput(_ path: String) throws(OutputError) {
        if let input = inputs.input(at: path) { throw OutputError(path: path, kind: .replacesInput(input)) }
    }

    /// Writes a file of the run that belongs to no input (a report), refusing to replace an input, or a file that
    /// exists unless ``replacesExistingFiles``.
    ///
    /// - Parameters:
    ///   - bytes: The contents.
    ///   - path: Where to write them; `-` is standard output.
    /// - Returns: Where the bytes went: `.standardOutput` for `-`, for the caller to print.
    /// - Throws: ``OutputError``.
    @discardableResult
    package func write(_ bytes: [UInt8], to path: String) throws(OutputError) -> WrittenOutput {
        if path == "-" { return .standardOutput(bytes) }
        try refuseInput(path)
        try refuseExisting(path)
        try writeAtomically(bytes, to: path)
        return .file(path)
    }

    /// Refuses a regular file that exists, unless ``replacesExistingFiles``.
    private func refuseExisting(_ path: String) throws(OutputError) {
        // `/dev/stdout` and `/dev/fd/N` name a descriptor the shell opened, perhaps onto a file: written through.
        guard !replacesExistingFiles, !path.hasPrefix("/dev/") else { return }
        if Self.isRegularFile(path) { throw OutputError(path: path, kind: .exists) }
    }

    private func writeAtomically(_ bytes: [UInt8], to path: String) throws(OutputError) {
        do {
            try AtomicFile.write(bytes, to: URL(fileURLWithPath: path))
        } catch {
            throw OutputError(path: error.path, kind: .cannotWrite(error.reason))
        }
    }

    /// Whether `path` (following links) is a regular file; in-place replacement writes nothing else.
    ///
    /// - Parameter path: The path to look at.
    /// - Returns: `true` for a regular file.
    package static func isRegularFile(_ path: String) -> Bool {
        (try? FileStatus.of(path).get())?.kind == .regular
    }
}
