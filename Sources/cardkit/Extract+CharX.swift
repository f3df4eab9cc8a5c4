import CardKit
import Foundation

extension ExtractCommand {
    /// Unpacks a CharX archive into `directory`/<input name>/; returns false when the input is not a CharX archive.
    ///
    /// The archive is read with every safety check (`CharXReader`: no absolute paths, `..` components or links,
    /// bounded entry count, size and compression ratio) before anything is written; `card.json` is written with
    /// its stored bytes, then every file, referenced or not.
    func extractArchive(_ input: CardInput, to directory: URL) throws -> Bool {
        let data = try input.read(limit: self.input.loadOptions.maxFileSize)
        guard case .charx = CardFormatSniffer.detect(data: data) else { return false }
        var options = CharXReadOptions()
        options.card.strict = self.input.strict
        let name =
            input.isStandardInput
            ? "stdin" : (input.relativePath as NSString).deletingPathExtension.replacingOccurrences(of: "/", with: "_")
        do {
            let document = try CharXReader.read(data: data, options: options)
            let written = try document.unpack(to: directory.appendingPathComponent(name, isDirectory: true))
            for diagnostic in document.allDiagnostics where diagnostic.severity >= .warning {
                Console.error("\(input.path): \(diagnostic)")
            }
            Console.error(
                "\(input.path): unpacked \(written.count) files into \(directory.appendingPathComponent(name).path)")
        } catch {
            throw CardFileError(path: input.path, kind: .invalidContainer, reason: error.description)
        }
        return true
    }
}
