import AsyncHTTPClient
import CardKit
import CardKitServe
import CardKitTestSupport
import Foundation
import NIOCore
import NIOHTTP1

/// A response as the tests read it.
struct HTTPReply {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONParser.parse(body).value }
    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// A real server on a loopback port, over a temporary copy of some cards, and a real HTTP client.
struct ServeFixture {
    let server: RunningCardServer
    let folder: URL?
    let client: HTTPClient

    /// Starts a server over a fresh folder holding copies of `files` (name → bytes).
    static func start(
        files: [String: [UInt8]]? = nil, configure: (inout ServeConfiguration) -> Void = { _ in }
    ) async throws -> ServeFixture {
        var configuration = ServeConfiguration()
        configuration.port = 0
        configuration.rescanInterval = nil
        var folder: URL? = nil
        if let files {
            let directory = try SharedFixtures.makeTemporaryDirectory()
            for (name, bytes) in files {
                let url = directory.appendingPathComponent(name)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url)
            }
            folder = directory
            configuration.folder = directory
        }
        configure(&configuration)
        let server = try await CardServer.start(configuration)
        await server.waitForIndex()
        return ServeFixture(
            server: server, folder: folder,
            client: HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: HTTPClient.Configuration(redirectConfiguration: .disallow)))
    }

    /// The samples, and a PNG card made from the V2 sample.
    static func sampleFiles() throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in SharedFixtures.sampleNames(extensions: ["json"]) {
            files[name] = [UInt8](try Data(contentsOf: SharedFixtures.samplesDirectory.appendingPathComponent(name)))
        }
        let v2 = try Data(
            contentsOf: SharedFixtures.samplesDirectory.appendingPathComponent("v2-archivist-with-lorebook.json"))
        files["pictures/archivist.png"] = try CardConverter.convert(data: v2, path: "v2.json", to: .png).output.bytes
        return files
    }

    /// Sends a request.
    func request(
        _ path: String, method: HTTPMethod = .GET, body: [UInt8]? = nil, headers: [(String, String)] = []
    ) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: server.baseURL.absoluteString + path)
        request.method = method
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 256 << 20)
        return HTTPReply(
            status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }

    /// Stops the server and the client, and removes the folder.
    func stop() async {
        try? await client.shutdown()
        await server.stop()
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }
}
