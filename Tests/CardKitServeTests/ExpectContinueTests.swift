import CardKitServe
import CardKitTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `Expect: 100-continue`, which curl sends with every body over 1 MiB: the server answers `100 Continue` at once
/// (the client would otherwise wait a second before sending the body), and a body announced as too large gets
/// 413 without ever being sent.
@Suite struct ExpectContinueTests {
    /// The head of a validate request that announces `contentLength` bytes and waits for the go-ahead.
    private func expectingHead(contentLength: Int) -> [UInt8] {
        Array(
            ("POST /api/v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(contentLength)\r\n"
                + "Expect: 100-continue\r\n\r\n").utf8)
    }

    @Test func aBodyWithinTheLimitIsAskedForAtOnce() async throws {
        let fixture = try await ServeFixture.start()
        defer { Task { await fixture.stop() } }
        let body = Array(
            #"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"Continue"}}"#.utf8)
        let socket = try LoopbackSocket(port: fixture.server.port)
        try socket.send(expectingHead(contentLength: body.count))
        // Read before sending the body: the interim response must come first, well within curl's one second.
        let interim = try await socket.receive(until: "\r\n\r\n", timeout: 0.5)
        #expect(interim.hasPrefix("HTTP/1.1 100 Continue\r\n"), "\(interim.debugDescription)")
        try socket.send(body)
        // The answer itself comes from a handler task: generous, since other suites may hold the cooperative pool.
        let final = try await socket.receive(until: "]\n", timeout: 60)
        #expect(final.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(final.contains(#""kind":"card""#))
    }

    @Test func aBodyOverTheLimitIsRefusedWithoutBeingSent() async throws {
        let fixture = try await ServeFixture.start { $0.maxBodyBytes = 1000 }
        defer { Task { await fixture.stop() } }
        let socket = try LoopbackSocket(port: fixture.server.port)
        try socket.send(expectingHead(contentLength: 5000))
        let reply = try await socket.receive(until: "}}", timeout: 60)
        #expect(reply.hasPrefix("HTTP/1.1 413 "))
        #expect(!reply.contains("100 Continue"))
    }
}

/// A blocking TCP connection to 127.0.0.1, for exchanges an HTTP client library will not make.
private final class LoopbackSocket: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible { var description: String }
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
            }
            guard n > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            sent += n
        }
    }

    /// Reads until the text received so far contains `marker`, the peer closes, or `timeout` seconds pass.
    ///
    /// The wait runs on a dispatch thread: blocking one of the cooperative pool's threads (two on this machine)
    /// would starve the server under test, whose handlers run on that pool.
    func receive(until marker: String, timeout: TimeInterval) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.blockingReceive(until: marker, timeout: timeout) })
            }
        }
    }

    private func blockingReceive(until marker: String, timeout: TimeInterval) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                throw Failure(
                    description: "no \(marker.debugDescription) within \(timeout) s; got "
                        + String(decoding: received, as: UTF8.self).debugDescription)
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(left * 1000)) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            received += buffer[0..<n]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
