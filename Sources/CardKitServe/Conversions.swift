import CardKit
import CardKitJSON
import Foundation
import HTTPTypes
import Hummingbird

/// A conversion as an HTTP response: the converted file, with its loss report in the headers (or in a JSON
/// envelope), shared by the page's downloads and `POST /api/v1/convert`.
enum Conversions {
    /// The largest loss report sent in the `CardKit-Loss-Report` header (base64 of its JSON); a larger one is only
    /// in the envelope form (`envelope=json`).
    static let reportHeaderLimit = 16 * 1024

    /// Converts and answers.
    ///
    /// - Parameters:
    ///   - data: The input's bytes.
    ///   - path: Its name in messages and in the output's file name.
    ///   - target: What to produce.
    ///   - options: The conversion's options.
    ///   - envelope: Whether to answer with JSON (`record`, `report`, `output` with the bytes in base64).
    /// - Returns: The response.
    /// - Throws: ``RequestFailure`` 422 when the input cannot become the target, with the reason.
    static func response(
        data: Data, path: String, target: ConversionTarget, options: ConversionOptions, envelope: Bool = false
    ) throws(RequestFailure) -> Response {
        let result: ConversionResult
        do {
            result = try CardConverter.convert(data: data, path: path, to: target, options: options)
        } catch {
            throw RequestFailure(status: .unprocessableContent, message: error.description)
        }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = (stem.isEmpty ? "card" : stem) + target.fileSuffix
        let mediaType = Responses.mediaType(forExtension: target.fileExtension)
        let report = result.reportJSON
        if envelope {
            return Responses.json([
                "record": RunRecord(conversion: result, path: path, output: name).jsonValue,
                "report": report,
                "output": [
                    "name": .string(name), "media_type": .string(mediaType),
                    "base64": .string(Data(result.output.bytes).base64EncodedString()),
                ],
            ])
        }
        var headers: HTTPFields = [.contentDisposition: Responses.attachment(name)]
        headers[HTTPField.Name("CardKit-Lossy")!] = result.isLossy ? "true" : "false"
        headers[HTTPField.Name("CardKit-Loss-Entries")!] = "\(result.lossReport.entries.count)"
        let encoded = Data(JSONWriter.bytes(report)).base64EncodedString()
        headers[HTTPField.Name("CardKit-Loss-Report")!] =
            encoded.utf8.count <= reportHeaderLimit ? encoded : "too-large"
        return Responses.bytes(result.output.bytes, type: mediaType, headers: headers)
    }
}
