// WebDriver.swift — a minimal W3C WebDriver client for driving headless Chromium
// (Debian `chromium` + `chromium-driver`) from Swift tests.
//
// Self-contained: Foundation and the C library only. It speaks HTTP/1.1 over a loopback socket
// itself because URLSession on Linux (swift-corelibs-foundation) rejects chromedriver's responses
// ("Failed writing header": chromedriver writes headers as `Content-Length:252`, without a space).

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Errors

/// The single error type thrown by ``WebDriver`` and ``WebElement``.
///
/// Its `description` names the command that failed, the HTTP status, and the WebDriver error
/// code and message returned by chromedriver, for example:
/// `WebDriver findElement(css: "#nope") [POST /session/…/element] failed: HTTP 404, no such element: Unable to locate element …`.
struct WebDriverError: Error, CustomStringConvertible, LocalizedError, Sendable {
    /// The operation that failed, for example `findElement(css: "#x") [POST /session/…/element]`.
    let command: String
    /// The HTTP status chromedriver answered with, if a response was received.
    let httpStatus: Int?
    /// The W3C WebDriver error code (for example `no such element`, `javascript error`), if any.
    let code: String?
    /// A human-readable explanation (chromedriver's message, without its stack trace).
    let message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - command: The operation that failed.
    ///   - httpStatus: The HTTP status received, if any.
    ///   - code: The WebDriver error code, if any.
    ///   - message: What went wrong.
    init(command: String, httpStatus: Int? = nil, code: String? = nil, message: String) {
        self.command = command
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
    }

    var description: String {
        var parts: [String] = []
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let code, !message.hasPrefix(code) { parts.append("\(code): \(message)") } else { parts.append(message) }
        return "WebDriver \(command) failed: " + parts.joined(separator: ", ")
    }

    var errorDescription: String? { description }
}

// MARK: - JSON

/// A JSON value, as sent to and received from WebDriver (script arguments and results, properties).
enum WebDriverValue: Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([WebDriverValue])
    case object([String: WebDriverValue])

    init(nilLiteral: ()) { self = .null }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(floatLiteral value: Double) { self = .number(value) }
    init(stringLiteral value: String) { self = .string(value) }
    init(arrayLiteral elements: WebDriverValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, WebDriverValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([WebDriverValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: WebDriverValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// The member named `key` when this is an object, else `nil`.
    subscript(key: String) -> WebDriverValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The element at `index` when this is an array and the index is in range, else `nil`.
    subscript(index: Int) -> WebDriverValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }

    /// The string, when this is `.string`.
    var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    /// The boolean, when this is `.bool`.
    var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    /// The number, when this is `.number`.
    var doubleValue: Double? { if case .number(let d) = self { return d }; return nil }
    /// The number as an `Int`, when this is a `.number` with an integral value.
    var intValue: Int? {
        if case .number(let d) = self, d.rounded() == d, abs(d) < 9.0e15 { return Int(d) }
        return nil
    }
    /// The elements, when this is `.array`.
    var arrayValue: [WebDriverValue]? { if case .array(let a) = self { return a }; return nil }
    /// The members, when this is `.object`.
    var objectValue: [String: WebDriverValue]? { if case .object(let o) = self { return o }; return nil }
    /// Whether this is `.null`.
    var isNull: Bool { self == .null }

    /// Compact JSON text of this value.
    var description: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "<unencodable>" }
        return String(decoding: data, as: UTF8.self)
    }
}

// MARK: - Options and log entries

/// How to launch chromedriver and Chromium.
struct WebDriverOptions: Sendable {
    /// Directory where Chromium saves downloads (`download.default_directory`); `nil` leaves Chromium's default.
    var downloadDirectory: URL?
    /// Window size passed as `--window-size` (outer size: with `--headless=new` the viewport of a
    /// 1280×900 window is 1280×757, which is also the screenshot size).
    var windowSize: (width: Int, height: Int)
    /// Extra Chromium command-line arguments, appended after the defaults.
    var extraArguments: [String]
    /// Path of the Chromium binary; `nil` finds `/usr/bin/chromium` or `chromium` on `PATH`.
    var chromiumPath: String?
    /// Path of chromedriver; `nil` finds `/usr/bin/chromedriver` or `chromedriver` on `PATH`.
    var chromedriverPath: String?
    /// How long to wait for chromedriver to listen and for the session to be created.
    var startupTimeout: Duration
    /// Per-HTTP-request timeout for WebDriver commands, in seconds.
    var commandTimeout: TimeInterval
    /// When true, chromedriver logs verbosely into its log file (`WebDriver.chromedriverLogURL`).
    var verboseDriverLog: Bool

    /// Creates options; every parameter has a sensible default.
    ///
    /// - Parameters:
    ///   - downloadDirectory: Where downloads go; `nil` leaves Chromium's default.
    ///   - windowSize: Browser window size; defaults to 1280×900.
    ///   - extraArguments: Additional Chromium switches.
    ///   - chromiumPath: Chromium binary; `nil` to auto-detect.
    ///   - chromedriverPath: chromedriver binary; `nil` to auto-detect.
    ///   - startupTimeout: Limit for launching chromedriver and creating the session.
    ///   - commandTimeout: Limit for each WebDriver HTTP request, in seconds.
    ///   - verboseDriverLog: Whether chromedriver logs at level ALL.
    init(
        downloadDirectory: URL? = nil,
        windowSize: (width: Int, height: Int) = (1280, 900),
        extraArguments: [String] = [],
        chromiumPath: String? = nil,
        chromedriverPath: String? = nil,
        startupTimeout: Duration = .seconds(30),
        commandTimeout: TimeInterval = 120,
        verboseDriverLog: Bool = false
    ) {
        self.downloadDirectory = downloadDirectory
        self.windowSize = windowSize
        self.extraArguments = extraArguments
        self.chromiumPath = chromiumPath
        self.chromedriverPath = chromedriverPath
        self.startupTimeout = startupTimeout
        self.commandTimeout = commandTimeout
        self.verboseDriverLog = verboseDriverLog
    }
}

/// One entry of the browser's console log, as returned by ``WebDriver/browserLog()``.
struct BrowserLogEntry: Sendable, Hashable, CustomStringConvertible {
    /// The level: `SEVERE`, `WARNING`, `INFO` or `DEBUG`.
    let level: String
    /// The message text (for console calls it starts with the source URL and line:column).
    let message: String
    /// Where the entry came from: `console-api`, `javascript`, `network` or `security`.
    let source: String?
    /// Milliseconds since the Unix epoch.
    let timestamp: Double

    var description: String { "[\(level)\(source.map { " " + $0 } ?? "")] \(message)" }
}

// MARK: - WebDriver session

/// A chromedriver process plus one headless Chromium session, spoken to over W3C WebDriver HTTP.
///
/// Start one with ``start(_:)`` or, preferably, ``withSession(_:_:)``, which always quits.
/// ``quit()`` deletes the session, stops chromedriver and Chromium and removes the temporary
/// profile; if a `WebDriver` is released without `quit()`, `deinit` kills both processes.
final class WebDriver: @unchecked Sendable {
    /// The W3C key under which element references travel in JSON.
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    /// The WebDriver session id.
    let sessionID: String
    /// chromedriver's base URL (`http://127.0.0.1:PORT`).
    let driverURL: URL
    /// The capabilities chromedriver answered with when creating the session.
    let capabilities: WebDriverValue
    /// Process id of the Chromium browser process (from `goog:processID`), if reported.
    let browserPID: Int32?
    /// The download directory the session was configured with.
    let downloadDirectory: URL?
    /// Private temporary directory (TMPDIR of chromedriver, holding the Chromium profile); removed on quit.
    let temporaryDirectory: URL
    /// chromedriver's stdout/stderr log file (inside ``temporaryDirectory``; gone after quit).
    var chromedriverLogURL: URL { temporaryDirectory.appendingPathComponent("chromedriver.log") }
    /// Wall-clock time from launching chromedriver until the session existed.
    let startupDuration: Duration

    private let driverProcess: Process
    private let port: Int
    private let commandTimeout: TimeInterval
    private let lock = NSLock()
    private var didQuit = false

    private init(
        sessionID: String, driverURL: URL, capabilities: WebDriverValue, browserPID: Int32?,
        downloadDirectory: URL?, temporaryDirectory: URL, startupDuration: Duration,
        driverProcess: Process, port: Int, commandTimeout: TimeInterval
    ) {
        self.sessionID = sessionID
        self.driverURL = driverURL
        self.capabilities = capabilities
        self.browserPID = browserPID
        self.downloadDirectory = downloadDirectory
        self.temporaryDirectory = temporaryDirectory
        self.startupDuration = startupDuration
        self.driverProcess = driverProcess
        self.port = port
        self.commandTimeout = commandTimeout
    }

    deinit {
        if markQuit() { Self.killProcesses(browserPID: browserPID, driver: driverProcess, tempDir: temporaryDirectory) }
    }

    // MARK: Availability and start

    /// Tells whether Chromium and chromedriver are installed.
    ///
    /// - Returns: `nil` when both binaries are found, else a reason suitable for skipping a test
    ///   (for example "chromedriver not found … (apt-get install chromium-driver)").
    static func availability() -> String? {
        var missing: [String] = []
        if findExecutable(["/usr/bin/chromium"], name: "chromium") == nil {
            missing.append("chromium not found at /usr/bin/chromium or on PATH (apt-get install chromium)")
        }
        if findExecutable(["/usr/bin/chromedriver"], name: "chromedriver") == nil {
            missing.append(
                "chromedriver not found at /usr/bin/chromedriver or on PATH (apt-get install chromium-driver)")
        }
        return missing.isEmpty ? nil : missing.joined(separator: "; ")
    }

    /// Launches chromedriver on a free loopback port and creates a headless Chromium session.
    ///
    /// chromedriver is started with `--port=0` (it picks a free port and prints it), then polled on
    /// `GET /status` until ready. Chromium runs with `--headless=new --no-sandbox --disable-gpu
    /// --disable-dev-shm-usage --window-size=W,H`, browser console logging at `ALL`, and the given
    /// download directory with download prompts disabled.
    ///
    /// - Parameter options: Launch options (download directory, window size, binaries, timeouts).
    /// - Returns: A live session. Call ``quit()`` when done (or use ``withSession(_:_:)``).
    /// - Throws: `WebDriverError` if a binary is missing, chromedriver fails to start or become
    ///   ready within `options.startupTimeout`, or session creation fails.
    static func start(_ options: WebDriverOptions = WebDriverOptions()) async throws -> WebDriver {
        let clock = ContinuousClock()
        let began = clock.now
        let deadline = began.advanced(by: options.startupTimeout)

        guard let chromium = options.chromiumPath ?? findExecutable(["/usr/bin/chromium"], name: "chromium") else {
            throw WebDriverError(command: "start", message: availability() ?? "chromium not found")
        }
        guard
            let chromedriver = options.chromedriverPath
                ?? findExecutable(["/usr/bin/chromedriver"], name: "chromedriver")
        else {
            throw WebDriverError(command: "start", message: availability() ?? "chromedriver not found")
        }

        cleanUpOrphans()
        let fm = FileManager.default
        let tempDir = fm.temporaryDirectory.appendingPathComponent("webdriver-\(UUID().uuidString)", isDirectory: true)
        let logURL = tempDir.appendingPathComponent("chromedriver.log")
        do {
            try fm.createDirectory(at: tempDir, withIntermediateDirectories: true)
            guard fm.createFile(atPath: logURL.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown)
            }
        } catch {
            throw WebDriverError(
                command: "start", message: "cannot create temporary directory \(tempDir.path): \(error)")
        }

        // Launch chromedriver. Its output goes to a file (never a pipe that could fill up).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromedriver)
        var args = ["--port=0"]
        if options.verboseDriverLog { args.append("--log-level=ALL") }
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["TMPDIR"] = tempDir.path  // chromedriver puts Chromium's profile dirs here
        env[ownerVariable] = String(getpid())  // inherited by Chromium too; see cleanUpOrphans()
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        do {
            let logHandle = try FileHandle(forWritingTo: logURL)
            process.standardOutput = logHandle
            process.standardError = logHandle
            try process.run()
            try? logHandle.close()
        } catch {
            try? fm.removeItem(at: tempDir)
            throw WebDriverError(command: "start chromedriver (\(chromedriver))", message: "cannot launch: \(error)")
        }

        func fail(_ what: String, _ error: any Error) -> any Error {
            killProcesses(browserPID: nil, driver: process, tempDir: nil)
            let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            try? fm.removeItem(at: tempDir)
            let tail = log.split(separator: "\n").suffix(15).joined(separator: "\n")
            if let wd = error as? WebDriverError {
                return WebDriverError(
                    command: wd.command, httpStatus: wd.httpStatus, code: wd.code,
                    message: wd.message + (tail.isEmpty ? "" : "\nchromedriver log:\n" + tail))
            }
            return WebDriverError(
                command: what, message: "\(error)" + (tail.isEmpty ? "" : "\nchromedriver log:\n" + tail))
        }

        // 1. Wait for "ChromeDriver was started successfully on port N."
        var port: Int?
        while port == nil {
            if let log = try? String(contentsOf: logURL, encoding: .utf8),
                let range = log.range(of: "started successfully on port ")
            {
                let digits = log[range.upperBound...].prefix(while: { $0.isNumber })
                port = Int(digits)
            }
            if port != nil { break }
            if !process.isRunning {
                throw fail(
                    "start chromedriver",
                    WebDriverError(
                        command: "start chromedriver",
                        message: "chromedriver exited with status \(process.terminationStatus) before listening"))
            }
            if clock.now >= deadline {
                throw fail(
                    "start chromedriver",
                    WebDriverError(
                        command: "start chromedriver",
                        message: "chromedriver did not report its port within \(options.startupTimeout)"))
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let session = port!
        let base = URL(string: "http://127.0.0.1:\(session)")!

        // 2. Wait for GET /status → value.ready == true.
        while true {
            if let status = try? await rawRequest(port: session, "GET", "/status", body: nil, timeout: 2),
                status.0 == 200,
                (try? JSONDecoder().decode(WebDriverValue.self, from: status.1))?["value"]?["ready"] == .bool(true)
            {
                break
            }
            if !process.isRunning || clock.now >= deadline {
                throw fail(
                    "wait for chromedriver /status",
                    WebDriverError(
                        command: "GET /status",
                        message: process.isRunning
                            ? "chromedriver not ready within \(options.startupTimeout)"
                            : "chromedriver exited with status \(process.terminationStatus)"))
            }
            try? await Task.sleep(for: .milliseconds(20))
        }

        // 3. Create the session.
        var chromeArgs = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=\(options.windowSize.width),\(options.windowSize.height)",
        ]
        chromeArgs += options.extraArguments
        var chromeOptions: [String: WebDriverValue] = [
            "binary": .string(chromium),
            "args": .array(chromeArgs.map { .string($0) }),
        ]
        if let dir = options.downloadDirectory {
            chromeOptions["prefs"] = [
                "download.default_directory": .string(dir.standardizedFileURL.path),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
                "safebrowsing.enabled": false,
            ]
        }
        let body: WebDriverValue = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": .object(chromeOptions),
                    "goog:loggingPrefs": ["browser": "ALL"],
                ]
            ]
        ]
        let created: WebDriverValue
        do {
            let remaining = max(1, Double((deadline - clock.now).components.seconds))
            created = try await command(
                port: session, label: "new session", "POST", "session",
                body: body, timeout: max(remaining, 5))
        } catch {
            throw fail("new session", error)
        }
        guard let id = created["sessionId"]?.stringValue else {
            throw fail(
                "new session",
                WebDriverError(
                    command: "new session [POST /session]",
                    message: "response has no sessionId: \(created)"))
        }
        let caps = created["capabilities"] ?? .null
        let pid = caps["goog:processID"]?.intValue.map { Int32($0) }
        return WebDriver(
            sessionID: id, driverURL: base, capabilities: caps, browserPID: pid,
            downloadDirectory: options.downloadDirectory, temporaryDirectory: tempDir,
            startupDuration: clock.now - began, driverProcess: process, port: session,
            commandTimeout: options.commandTimeout)
    }

    /// Starts a session, runs `body` with it and always quits, even when `body` throws.
    ///
    /// - Parameters:
    ///   - options: Launch options, as for ``start(_:)``.
    ///   - body: The work to do with the live session.
    /// - Returns: Whatever `body` returns.
    /// - Throws: `WebDriverError` from starting, or whatever `body` throws.
    static func withSession<T: Sendable>(
        _ options: WebDriverOptions = WebDriverOptions(),
        _ body: (WebDriver) async throws -> T
    ) async throws -> T {
        let driver = try await start(options)
        do {
            let result = try await body(driver)
            await driver.quit()
            return result
        } catch {
            await driver.quit()
            throw error
        }
    }

    /// Deletes the session, stops chromedriver and Chromium, and removes the temporary profile.
    ///
    /// Safe to call more than once; errors while deleting the session are ignored, and the
    /// browser process is killed if it is still alive afterwards.
    func quit() async {
        guard markQuit() else { return }
        _ = try? await request(label: "quit", "DELETE", "session/\(sessionID)", body: nil, timeout: 10)
        // chromedriver does not kill Chromium when it is itself terminated, so make sure.
        if let pid = browserPID {
            for _ in 0..<50 where Self.isAlive(pid) { try? await Task.sleep(for: .milliseconds(20)) }
        }
        Self.killProcesses(browserPID: browserPID, driver: driverProcess, tempDir: temporaryDirectory)
    }

    /// Whether ``quit()`` has run (or the processes were already cleaned up).
    var isQuit: Bool { lock.lock(); defer { lock.unlock() }; return didQuit }

    // MARK: Navigation and document

    /// Navigates the current tab to `url` and waits for the page load (W3C "Navigate To").
    ///
    /// - Parameter url: The address to load.
    /// - Throws: `WebDriverError` if navigation fails or times out.
    func navigate(to url: URL) async throws {
        _ = try await sessionCommand(
            "navigate(to: \(url.absoluteString))", "POST", "url", body: ["url": .string(url.absoluteString)])
    }

    /// The address of the current page.
    ///
    /// - Returns: The current URL.
    /// - Throws: `WebDriverError` if the command fails or the answer is not a URL.
    func currentURL() async throws -> URL {
        let value = try await sessionCommand("currentURL()", "GET", "url")
        guard let s = value.stringValue, let url = URL(string: s) else {
            throw WebDriverError(
                command: "currentURL() [GET /session/\(sessionID)/url]", message: "not a URL: \(value)")
        }
        return url
    }

    /// The current page's `document.title`.
    ///
    /// - Returns: The title.
    /// - Throws: `WebDriverError` if the command fails.
    func title() async throws -> String {
        try await stringResult("title()", "GET", "title")
    }

    /// The serialized DOM of the current page.
    ///
    /// - Returns: The page source as HTML.
    /// - Throws: `WebDriverError` if the command fails.
    func pageSource() async throws -> String {
        try await stringResult("pageSource()", "GET", "source")
    }

    // MARK: Elements

    /// Finds the first element matching a CSS selector.
    ///
    /// - Parameter css: A CSS selector.
    /// - Returns: A handle to the element.
    /// - Throws: `WebDriverError` with code `no such element` (HTTP 404) when nothing matches.
    func findElement(css: String) async throws -> WebElement {
        let label = "findElement(css: \(String(reflecting: css)))"
        let value = try await sessionCommand(
            label, "POST", "element", body: ["using": "css selector", "value": .string(css)])
        guard let element = element(from: value) else {
            throw WebDriverError(command: label, message: "response is not an element reference: \(value)")
        }
        return element
    }

    /// Finds all elements matching a CSS selector.
    ///
    /// - Parameter css: A CSS selector.
    /// - Returns: Handles to the matching elements, in document order (empty if none).
    /// - Throws: `WebDriverError` if the command fails (for example an invalid selector).
    func findElements(css: String) async throws -> [WebElement] {
        let label = "findElements(css: \(String(reflecting: css)))"
        let value = try await sessionCommand(
            label, "POST", "elements", body: ["using": "css selector", "value": .string(css)])
        guard let list = value.arrayValue else {
            throw WebDriverError(command: label, message: "response is not an array: \(value)")
        }
        return list.compactMap { element(from: $0) }
    }

    /// Turns a JSON element reference (for example returned by ``executeScript(_:args:)``) into a handle.
    ///
    /// - Parameter value: An object holding the W3C element key.
    /// - Returns: The element, or `nil` if `value` is not an element reference.
    func element(from value: WebDriverValue) -> WebElement? {
        guard let id = value[Self.elementKey]?.stringValue else { return nil }
        return WebElement(id: id, driver: self)
    }

    // MARK: Scripts

    /// Runs synchronous JavaScript in the page as the body of a function (use `return`).
    ///
    /// - Parameters:
    ///   - script: Function body; arguments are in `arguments[0…]`.
    ///   - args: Arguments (use ``WebElement/jsonValue`` to pass an element).
    /// - Returns: The script's return value as JSON (`undefined` becomes `.null`; DOM elements
    ///   become element references, see ``element(from:)``).
    /// - Throws: `WebDriverError` (code `javascript error`) if the script throws.
    func executeScript(_ script: String, args: [WebDriverValue] = []) async throws -> WebDriverValue {
        try await sessionCommand(
            "executeScript(\(Self.abbreviate(script)))", "POST", "execute/sync",
            body: ["script": .string(script), "args": .array(args)])
    }

    // MARK: Screenshots and logs

    /// Takes a PNG screenshot of the current viewport.
    ///
    /// - Returns: The decoded PNG bytes.
    /// - Throws: `WebDriverError` if the command fails or the answer is not base64.
    func screenshot() async throws -> Data {
        let b64 = try await stringResult("screenshot()", "GET", "screenshot")
        guard let data = Data(base64Encoded: b64, options: .ignoreUnknownCharacters) else {
            throw WebDriverError(
                command: "screenshot()", message: "screenshot is not valid base64 (\(b64.count) chars)")
        }
        return data
    }

    /// Takes a PNG screenshot and writes it to a file, creating parent directories.
    ///
    /// - Parameter url: Destination file (conventionally ending in `.png`).
    /// - Throws: `WebDriverError` if the screenshot or the write fails.
    func saveScreenshot(to url: URL) async throws {
        let data = try await screenshot()
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw WebDriverError(command: "saveScreenshot(to: \(url.path))", message: "cannot write file: \(error)")
        }
    }

    /// Returns and clears the browser console log collected since the last call.
    ///
    /// Uses chromedriver's `POST /session/{id}/se/log` with `{"type":"browser"}`, falling back to
    /// the legacy `POST /session/{id}/log`. Entries are consumed: each is returned once.
    /// CSP violations, uncaught exceptions and `console.*` calls all appear here.
    ///
    /// - Returns: The log entries, oldest first.
    /// - Throws: `WebDriverError` if neither endpoint works.
    func browserLog() async throws -> [BrowserLogEntry] {
        let value: WebDriverValue
        do {
            value = try await sessionCommand("browserLog()", "POST", "se/log", body: ["type": "browser"])
        } catch let error as WebDriverError where error.code == "unknown command" || error.code == "unknown method" {
            value = try await sessionCommand("browserLog()", "POST", "log", body: ["type": "browser"])
        }
        return (value.arrayValue ?? []).map {
            BrowserLogEntry(
                level: $0["level"]?.stringValue ?? "",
                message: $0["message"]?.stringValue ?? "",
                source: $0["source"]?.stringValue,
                timestamp: $0["timestamp"]?.doubleValue ?? 0)
        }
    }

    // MARK: Waiting

    /// Polls `condition` until it returns true.
    ///
    /// - Parameters:
    ///   - timeout: How long to keep trying.
    ///   - interval: Pause between attempts.
    ///   - description: What is awaited, used in the timeout error.
    ///   - condition: The check; a thrown error counts as "not yet" (the last one is reported).
    /// - Throws: `WebDriverError` when the timeout expires.
    func waitUntil(
        timeout: Duration = .seconds(10),
        interval: Duration = .milliseconds(100),
        _ description: String = "condition",
        _ condition: () async throws -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var lastError: (any Error)?
        while true {
            do {
                if try await condition() { return }
                lastError = nil
            } catch {
                lastError = error
            }
            if clock.now >= deadline {
                throw WebDriverError(
                    command: "waitUntil(\(description))",
                    message: "timed out after \(timeout)" + (lastError.map { "; last error: \($0)" } ?? ""))
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Waits until a completed download named `name` is in the session's download directory.
    ///
    /// - Parameters:
    ///   - name: The expected file name (for example the link's `download` attribute value).
    ///   - timeout: How long to wait.
    /// - Returns: The downloaded file's URL.
    /// - Throws: `WebDriverError` if the session has no download directory or the file does not
    ///   appear complete within the timeout.
    func waitForDownload(named name: String, timeout: Duration = .seconds(15)) async throws -> URL {
        guard let dir = downloadDirectory else {
            throw WebDriverError(
                command: "waitForDownload(named: \(String(reflecting: name)))",
                message: "session was started without WebDriverOptions.downloadDirectory")
        }
        return try await Self.waitForDownload(named: name, in: dir, timeout: timeout)
    }

    /// Waits until a completed file named `name` is in `directory`.
    ///
    /// A download counts as complete when the file exists, no `*.crdownload` partial file for it
    /// remains, and its size is unchanged between two polls.
    ///
    /// - Parameters:
    ///   - name: The expected file name.
    ///   - directory: The directory to watch.
    ///   - timeout: How long to wait.
    /// - Returns: The file's URL.
    /// - Throws: `WebDriverError` on timeout; the message lists what the directory contained.
    static func waitForDownload(named name: String, in directory: URL, timeout: Duration = .seconds(15))
        async throws -> URL
    {
        let fm = FileManager.default
        let target = directory.appendingPathComponent(name)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var lastSize: UInt64?
        while true {
            let contents = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
            let partial = contents.contains { $0.hasSuffix(".crdownload") }
            if !partial, let attrs = try? fm.attributesOfItem(atPath: target.path),
                let size = (attrs[.size] as? NSNumber)?.uint64Value
            {
                if size == lastSize { return target }
                lastSize = size
            } else {
                lastSize = nil
            }
            if clock.now >= deadline {
                throw WebDriverError(
                    command: "waitForDownload(named: \(String(reflecting: name)), in: \(directory.path))",
                    message: "no complete file after \(timeout); directory contains \(contents.sorted())")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    // MARK: Raw commands

    /// Sends an arbitrary command to this session (`/session/{id}/<path>`).
    ///
    /// - Parameters:
    ///   - method: HTTP method (`GET`, `POST`, `DELETE`).
    ///   - path: Path below the session, for example `"window/rect"`.
    ///   - body: JSON body; `nil` sends `{}` for POST and nothing otherwise.
    /// - Returns: The response's `value`.
    /// - Throws: `WebDriverError` on transport failure or a WebDriver error response.
    func send(_ method: String, _ path: String, body: WebDriverValue? = nil) async throws -> WebDriverValue {
        try await sessionCommand("send(\(method) \(path))", method, path, body: body)
    }

    // MARK: Internals

    func sessionCommand(_ label: String, _ method: String, _ path: String, body: WebDriverValue? = nil) async throws
        -> WebDriverValue
    {
        if isQuit {
            throw WebDriverError(command: label, message: "session \(sessionID) has already quit")
        }
        return try await request(
            label: label, method, "session/\(sessionID)/\(path)", body: body, timeout: commandTimeout)
    }

    private func request(label: String, _ method: String, _ path: String, body: WebDriverValue?, timeout: TimeInterval)
        async throws -> WebDriverValue
    {
        try await Self.command(port: port, label: label, method, path, body: body, timeout: timeout)
    }

    private func stringResult(_ label: String, _ method: String, _ path: String) async throws -> String {
        let value = try await sessionCommand(label, method, path)
        guard let s = value.stringValue else {
            throw WebDriverError(command: label, message: "expected a string, got \(value)")
        }
        return s
    }

    /// Returns true the first time only, so cleanup runs once.
    private func markQuit() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if didQuit { return false }
        didQuit = true
        return true
    }

    private static func command(
        port: Int, label: String, _ method: String, _ path: String,
        body: WebDriverValue?, timeout: TimeInterval
    ) async throws -> WebDriverValue {
        let described = "\(label) [\(method) /\(path)]"
        var payload: Data?
        if let body {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            payload = try encoder.encode(body)
        } else if method == "POST" {
            payload = Data("{}".utf8)
        }
        let status: Int
        let data: Data
        do {
            (status, data) = try await rawRequest(port: port, method, "/" + path, body: payload, timeout: timeout)
        } catch {
            throw WebDriverError(
                command: described, message: "no response from chromedriver at 127.0.0.1:\(port): \(error)")
        }
        let json = try? JSONDecoder().decode(WebDriverValue.self, from: data)
        let value = json?["value"]
        if status >= 200, status < 300, let value {
            return value
        }
        if let code = value?["error"]?.stringValue {
            let message = value?["message"]?.stringValue ?? ""
            throw WebDriverError(command: described, httpStatus: status, code: code, message: message)
        }
        let text = String(decoding: data.prefix(500), as: UTF8.self)
        throw WebDriverError(
            command: described, httpStatus: status,
            message: json == nil ? "response is not JSON: \(text)" : "unexpected response: \(text)")
    }

    /// One HTTP/1.1 exchange with chromedriver on 127.0.0.1, run off the cooperative thread pool.
    private static func rawRequest(
        port: Int, _ method: String, _ path: String, body: Data?, timeout: TimeInterval
    ) async throws -> (Int, Data) {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Int, Data), Error>) in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try LoopbackHTTP.exchange(port: port, method: method, path: path, body: body, timeout: timeout)
                    })
            }
        }
    }

    /// Kills Chromium and chromedriver and removes the temporary directory.
    ///
    /// Uses SIGKILL: children launched by Foundation's `Process` inherit the launching thread's
    /// blocked-signal mask, and Swift concurrency / dispatch worker threads block SIGTERM, so a
    /// SIGTERM (`Process.terminate()`) is silently ignored by chromedriver started from a test.
    private static func killProcesses(browserPID: Int32?, driver: Process, tempDir: URL?) {
        if let pid = browserPID, isAlive(pid) {
            kill(pid, SIGKILL)
            for _ in 0..<100 where isAlive(pid) { usleep(20_000) }
        }
        if driver.isRunning {
            kill(driver.processIdentifier, SIGKILL)
            for _ in 0..<100 where driver.isRunning { usleep(20_000) }
        }
        if let tempDir {
            // Any Chromium helper still using the private profile dir (renderer, GPU, zygote) goes too.
            for pid in processes(mentioning: tempDir.path) { kill(pid, SIGKILL) }
            try? FileManager.default.removeItem(at: tempDir)
        }
    }

    /// Live processes whose command line contains `text` (Linux `/proc`; empty elsewhere).
    static func processes(mentioning text: String) -> [Int32] {
        #if os(Linux)
            let me = getpid()
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap { Int32($0) }.filter { pid in
                guard pid != me, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
                    return false
                }
                let cmdline = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
                return cmdline.contains(text) && isAlive(pid)
            }
        #else
            return []
        #endif
    }

    /// Environment variable naming the test process that launched a chromedriver (and its Chromium).
    static let ownerVariable = "SWIFT_WEBDRIVER_OWNER_PID"

    /// Kills chromedriver/Chromium processes left behind by test processes that died without quitting.
    ///
    /// A test process killed by a signal or a crash cannot run `deinit`, and chromedriver does not
    /// notice its parent's death, so it and Chromium would live on. Every process this file
    /// launches carries `SWIFT_WEBDRIVER_OWNER_PID` in its environment; this kills those whose
    /// owner is gone and removes their temporary directories. ``start(_:)`` calls it; Linux only.
    ///
    /// - Returns: How many processes were killed.
    @discardableResult
    static func cleanUpOrphans() -> Int {
        #if os(Linux)
            let fm = FileManager.default
            let marker = Data((ownerVariable + "=").utf8)
            var killed = 0
            var dirs: Set<String> = []
            for pid in ((try? fm.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap({ Int32($0) }) {
                guard let environ = fm.contents(atPath: "/proc/\(pid)/environ"), environ.range(of: marker) != nil else {
                    continue
                }
                var owner: Int32?
                var tmp: String?
                for entry in environ.split(separator: 0) {
                    let text = String(decoding: entry, as: UTF8.self)
                    if text.hasPrefix(ownerVariable + "=") { owner = Int32(text.dropFirst(ownerVariable.count + 1)) }
                    if text.hasPrefix("TMPDIR=") { tmp = String(text.dropFirst(7)) }
                }
                guard let owner, owner != getpid(), !isAlive(owner), isAlive(pid) else { continue }
                kill(pid, SIGKILL)
                killed += 1
                if let tmp, tmp.contains("/webdriver-") { dirs.insert(tmp) }
            }
            if killed > 0 { usleep(200_000) }
            for dir in dirs { try? fm.removeItem(atPath: dir) }
            return killed
        #else
            return 0
        #endif
    }

    /// Whether `pid` is a live (not zombie) process.
    private static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        #if os(Linux)
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            {
                let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
                return state != "Z" && state != "X"
            }
        #endif
        return true
    }

    private static func findExecutable(_ candidates: [String], name: String) -> String? {
        let fm = FileManager.default
        for path in candidates where fm.isExecutableFile(atPath: path) { return path }
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        for dir in dirs {
            let path = "\(dir)/\(name)"
            if fm.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    private static func abbreviate(_ script: String) -> String {
        let oneLine = script.split(whereSeparator: \.isNewline).joined(separator: " ")
        return String(reflecting: oneLine.count > 80 ? String(oneLine.prefix(77)) + "..." : oneLine)
    }
}

// MARK: - Elements

/// A handle to a DOM element in a ``WebDriver`` session.
struct WebElement: Sendable, Hashable, CustomStringConvertible {
    /// The WebDriver element id.
    let id: String
    /// The session that owns the element.
    let driver: WebDriver

    /// The element as a script argument for ``WebDriver/executeScript(_:args:)``.
    var jsonValue: WebDriverValue { .object([WebDriver.elementKey: .string(id)]) }

    var description: String { "WebElement(\(id))" }

    static func == (a: WebElement, b: WebElement) -> Bool { a.id == b.id && a.driver === b.driver }
    func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// The element's rendered text (`innerText`-like, as a user sees it).
    ///
    /// - Returns: The visible text.
    /// - Throws: `WebDriverError` (for example `stale element reference`).
    func text() async throws -> String {
        let value = try await driver.sessionCommand("\(self).text()", "GET", "element/\(id)/text")
        return value.stringValue ?? ""
    }

    /// An HTML attribute of the element, as written in the markup.
    ///
    /// - Parameter name: The attribute name, for example `"href"`.
    /// - Returns: The attribute value, or `nil` if the attribute is absent.
    /// - Throws: `WebDriverError` if the command fails.
    func attribute(_ name: String) async throws -> String? {
        let value = try await driver.sessionCommand(
            "\(self).attribute(\(String(reflecting: name)))", "GET", "element/\(id)/attribute/\(name)")
        return value.stringValue
    }

    /// A DOM property of the element (for example `"value"` of an input, `"checked"`).
    ///
    /// - Parameter name: The property name.
    /// - Returns: The property's JSON value (`.null` if undefined).
    /// - Throws: `WebDriverError` if the command fails.
    func property(_ name: String) async throws -> WebDriverValue {
        try await driver.sessionCommand(
            "\(self).property(\(String(reflecting: name)))", "GET", "element/\(id)/property/\(name)")
    }

    /// Clicks the element's centre, scrolling it into view first.
    ///
    /// - Throws: `WebDriverError` (for example `element not interactable`, `element click intercepted`).
    func click() async throws {
        _ = try await driver.sessionCommand("\(self).click()", "POST", "element/\(id)/click")
    }

    /// Clears an editable element (input or textarea).
    ///
    /// - Throws: `WebDriverError` (for example `invalid element state`).
    func clear() async throws {
        _ = try await driver.sessionCommand("\(self).clear()", "POST", "element/\(id)/clear")
    }

    /// Types text into the element, focusing it first.
    ///
    /// - Parameter text: The characters to type (WebDriver key codes such as `"\u{E007}"` (Enter) work too).
    /// - Throws: `WebDriverError` (for example `element not interactable`).
    func sendKeys(_ text: String) async throws {
        _ = try await driver.sessionCommand(
            "\(self).sendKeys(\(String(reflecting: text)))", "POST", "element/\(id)/value",
            body: ["text": .string(text)])
    }

    /// Finds the first descendant matching a CSS selector.
    ///
    /// - Parameter css: A CSS selector.
    /// - Returns: A handle to the descendant.
    /// - Throws: `WebDriverError` with code `no such element` when nothing matches.
    func findElement(css: String) async throws -> WebElement {
        let label = "\(self).findElement(css: \(String(reflecting: css)))"
        let value = try await driver.sessionCommand(
            label, "POST", "element/\(id)/element", body: ["using": "css selector", "value": .string(css)])
        guard let element = driver.element(from: value) else {
            throw WebDriverError(command: label, message: "response is not an element reference: \(value)")
        }
        return element
    }
}

// MARK: - Minimal HTTP/1.1 over loopback

/// A blocking, one-request-per-connection HTTP/1.1 client for 127.0.0.1 (enough for chromedriver).
enum LoopbackHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends one request and reads one response (by `Content-Length`, chunked, or until EOF).
    static func exchange(port: Int, method: String, path: String, body: Data?, timeout: TimeInterval) throws -> (
        Int, Data
    ) {
        #if os(Linux)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }

        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif

        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            throw Failure(description: "connect to 127.0.0.1:\(port) failed: \(String(cString: strerror(errno)))")
        }

        var head =
            "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: application/json\r\nConnection: close\r\n"
        if let body {
            head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        var request = Data(head.utf8)
        if let body { request.append(body) }
        try request.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var sent = 0
            while sent < raw.count {
                #if os(Linux)
                    let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                #else
                    let n = send(fd, raw.baseAddress! + sent, raw.count - sent, 0)
                #endif
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "send failed: \(String(cString: strerror(errno)))")
                }
                sent += n
            }
        }

        let deadline = Date().addingTimeInterval(timeout)
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        /// Reads more bytes; false at EOF.
        func readMore() throws -> Bool {
            while true {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 { buffer.append(contentsOf: chunk[0..<n]); return true }
                if n == 0 { return false }
                if errno == EINTR { continue }
                if (errno == EAGAIN || errno == EWOULDBLOCK) && Date() < deadline { continue }
                throw Failure(
                    description: errno == EAGAIN || errno == EWOULDBLOCK
                        ? "no response within \(timeout) s" : "recv failed: \(String(cString: strerror(errno)))")
            }
        }

        let separator = Data("\r\n\r\n".utf8)
        var headerEnd: Range<Data.Index>?
        while true {
            headerEnd = buffer.range(of: separator)
            if headerEnd != nil { break }
            guard try readMore() else { throw Failure(description: "connection closed before response headers") }
        }
        let headerText = String(decoding: buffer[..<headerEnd!.lowerBound], as: UTF8.self)
        var lines = headerText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line: \(headerText.prefix(100))")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var payload = Data(buffer[headerEnd!.upperBound...])
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            while payload.count < length {
                let before = buffer.count
                guard try readMore() else { break }
                payload.append(buffer[before...])
            }
            return (status, payload.prefix(length))
        }
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            var decoded = Data()
            var rest = payload
            func need(_ n: Int) throws {
                while rest.count < n {
                    let before = buffer.count
                    guard try readMore() else { throw Failure(description: "truncated chunked body") }
                    rest.append(buffer[before...])
                }
            }
            while true {
                var lineEnd = rest.range(of: Data("\r\n".utf8))
                while lineEnd == nil {
                    try need(rest.count + 1)
                    lineEnd = rest.range(of: Data("\r\n".utf8))
                }
                let sizeText = String(decoding: rest[..<lineEnd!.lowerBound], as: UTF8.self)
                let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) ?? 0
                rest = Data(rest[lineEnd!.upperBound...])
                if size == 0 { return (status, decoded) }
                try need(size + 2)
                decoded.append(rest.prefix(size))
                rest = Data(rest.dropFirst(size + 2))
            }
        }
        while try readMore() {}
        return (status, Data(buffer[headerEnd!.upperBound...]))
    }
}
