import CardKitJSON
import HTTPTypes
import Hummingbird
import NIOCore

/// The response shapes the routes return.
enum Responses {
    /// An HTML page.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A JSON document, with a final newline.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(
            status: status, headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(value) + [0x0A])))
    }

    /// Bytes of a given type.
    static func bytes(_ bytes: [UInt8], type: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = type
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A redirect after a POST (303), so reloading does not submit again.
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// The media type of a file written for a conversion target's extension.
    static func mediaType(forExtension fileExtension: String) -> String {
        switch fileExtension {
        case "png": "image/png"
        case "charx": "application/zip"
        default: "application/json"
        }
    }

    /// The media type of image bytes from their signature; `nil` for anything that is not a common image.
    static func imageType(_ bytes: some Collection<UInt8>) -> String? {
        let head = Array(bytes.prefix(12))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) {
            return "image/webp"
        }
        return nil
    }

    /// A `Content-Disposition: attachment` value whose file name is safe in a header (ASCII, no quotes or
    /// separators), with the exact UTF-8 name in `filename*`.
    static func attachment(_ name: String) -> String {
        let ascii = String(
            name.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && scalar.value >= 0x20 && !"\"\\;/".unicodeScalars.contains(scalar)
                    ? Character(scalar) : "_"
            })
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(FormFields.encode(name))"
    }
}
