package import Foundation

/// How `cardkit serve` runs: the folder, where it listens, and what it allows.
package struct ServeConfiguration: Sendable {
    /// The collection's folder; `nil` serves the stateless API only (validate, convert).
    package var folder: URL?
    /// The address to bind: loopback by default; any other needs ``token``.
    package var host: String = "127.0.0.1"
    /// The port; 0 picks a free one.
    package var port: Int = 8080
    /// A token every request must carry, required when ``host`` is not loopback.
    ///
    /// It comes as `Authorization: Bearer TOKEN`, or as the cookie that a visit with `?token=TOKEN` sets.
    package var token: String?
    /// Whether the edit form may write files (in place, with a backup).
    package var allowEdit: Bool = false
    /// The largest request body accepted, in bytes (a card upload to the API, a submitted form).
    package var maxBodyBytes: Int = 32 << 20
    /// How often the folder is walked for changes; `nil` never walks it again after the first index.
    package var rescanInterval: Duration? = .seconds(2)
    /// The per-run token that mutating requests (saving an edit) must send: the pages carry it, a foreign site
    /// cannot read it.
    package var formToken: String = ServeConfiguration.randomToken()

    /// The defaults: loopback, port 8080, read-only, no folder.
    package init() {}

    /// Whether the host is a loopback address or name.
    package var isLoopback: Bool { Self.isLoopback(host) }

    /// Whether a host name or address is loopback (`127.0.0.0/8`, `::1`, `localhost`).
    ///
    /// - Parameter host: A host name or address, without brackets or port.
    /// - Returns: True for loopback.
    package static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        return host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1"
            || host.hasPrefix("127.")
                && host.split(separator: ".").count == 4
    }

    /// Checks the combination of options.
    ///
    /// - Throws: ``ServeError`` when a non-loopback host has no token, or a value is out of range.
    package func check() throws(ServeError) {
        if !isLoopback && (token ?? "").isEmpty {
            throw ServeError(
                "--host \(host) is reachable from other machines: give --token TOKEN (every request must then carry it)"
            )
        }
        if let token, token.utf8.count < 16 {
            throw ServeError("--token must be at least 16 characters (it is \(token.utf8.count))")
        }
        guard (0...65535).contains(port) else { throw ServeError("--port must be 0–65535, got \(port)") }
        guard maxBodyBytes > 0 else { throw ServeError("--max-body must be positive") }
        if let folder {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
            else { throw ServeError("\(folder.path): not a folder") }
        }
    }

    /// 32 random bytes as hex.
    package static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// Why the server could not start or a request was refused.
package struct ServeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, in words.
    package var message: String

    /// An error with its message.
    ///
    /// - Parameter message: The message.
    package init(_ message: String) { self.message = message }

    /// `serve: MESSAGE`.
    package var description: String { "serve: \(message)" }
}
