package import CardKitJSON
package import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One line of the state file.
package struct UploadStateRecord: Sendable, Hashable {
    /// Where an item stands.
    package enum State: String, Sendable, Hashable {
        /// A create is about to be sent (written, and synced, before the request leaves). On resume, the item is
        /// reconciled by reading back before anything else is sent.
        case intent
        /// Uploaded; `remoteId` names the remote object.
        case done
        /// Failed; `error` says why.
        case failed
        /// Deliberately not uploaded (for example unchanged, or existing while updates are off).
        case skipped
    }

    /// The item's stable key: the canonical path of the input (symlinks resolved, absolute).
    package var key: String
    /// `sha256:<hex>` of the converted payload.
    package var contentHash: String
    /// `character` or `persona`.
    package var kind: String
    /// The platform.
    package var provider: String
    /// The state.
    package var state: State
    /// The item's name (used for read-back).
    package var name: String
    /// The remote id, once known.
    package var remoteId: String?
    /// The remote version (NextChat), once known.
    package var remoteVersion: Int?
    /// The last error, as text (never containing a credential).
    package var error: String?
    /// When the record was written (ISO 8601).
    package var updatedAt: String

    /// Creates a record.
    package init(
        key: String, contentHash: String, kind: String, provider: String, state: State, name: String,
        remoteId: String? = nil, remoteVersion: Int? = nil, error: String? = nil,
        updatedAt: String = UploadStateRecord.now()
    ) {
        self.key = key
        self.contentHash = contentHash
        self.kind = kind
        self.provider = provider
        self.state = state
        self.name = name
        self.remoteId = remoteId
        self.remoteVersion = remoteVersion
        self.error = error
        self.updatedAt = updatedAt
    }

    /// The current time in ISO 8601, UTC to the second (`2026-12-03T09:45:43Z`, what `ISO8601DateFormatter` writes).
    package static func now() -> String { timestamp(secondsSince1970: time(nil)) }

    /// A time as ISO 8601, UTC to the second.
    ///
    /// Made with `gmtime_r` and written digit by digit: an `ISO8601DateFormatter` per record (an ICU formatter
    /// opened each time) was a quarter of a bulk upload's CPU time.
    package static func timestamp(secondsSince1970 seconds: time_t) -> String {
        var moment = seconds
        var parts = tm()
        guard gmtime_r(&moment, &parts) != nil else { return "1970-01-01T00:00:00Z" }
        var text = [UInt8]()
        text.reserveCapacity(20)
        func digits(_ value: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = max(value, 0)
            while divisor > 0 {
                text.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        text.append(0x2D)
        digits(parts.tm_mon + 1, 2)
        text.append(0x2D)
        digits(parts.tm_mday, 2)
        text.append(0x54)
        digits(parts.tm_hour, 2)
        text.append(0x3A)
        digits(parts.tm_min, 2)
        text.append(0x3A)
        digits(parts.tm_sec, 2)
        text.append(0x5A)
        return String(decoding: text, as: UTF8.self)
    }

    /// The record as a JSON object (keys in a fixed order).
    package var json: JSONValue {
        var object: JSONObject = [
            "key": .string(key), "contentHash": .string(contentHash), "kind": .string(kind),
            "provider": .string(provider), "state": .string(state.rawValue), "name": .string(name),
        ]
        if let remoteId { object["remoteId"] = .string(remoteId) }
        if let remoteVersion { object["remoteVersion"] = .number(JSONNumber(remoteVersion)) }
        if let error { object["error"] = .string(error) }
        object["updatedAt"] = .string(updatedAt)
        return .object(object)
    }

    /// Reads a record from a JSON object; nil when a required key is missing.
    package init?(json: JSONValue) {
        guard let object = json.objectValue, let key = object["key"]?.stringValue,
            let stateText = object["state"]?.stringValue, let state = State(rawValue: stateText)
        else { return nil }
        self.init(
            key: key, contentHash: object["contentHash"]?.stringValue ?? "", kind: object["kind"]?.stringValue ?? "",
            provider: object["provider"]?.stringValue ?? "", state: state, name: object["name"]?.stringValue ?? "",
            remoteId: object["remoteId"]?.stringValue, remoteVersion: object["remoteVersion"]?.numberValue?.intValue,
            error: object["error"]?.stringValue, updatedAt: object["updatedAt"]?.stringValue ?? "")
    }
}

/// The append-only JSON-lines state file of a bulk upload.
///
/// Every record is written as one line, and ``append(_:)`` returns only once the file is synced (`fsync`) past it,
/// so after a crash or `kill -9` the file holds every record an append returned for, plus at most one torn last line,
/// which is ignored on the next open. The last record of a key wins.
///
/// Appends that arrive while a sync is running share the next one (group commit): at concurrency 32, one `fsync`
/// covers up to 32 records, and no append returns before its own line is on disk. The sync runs on a dispatch queue
/// of its own, never on the actor, so records keep being written while it waits for the disk.
///
/// The look-ups the engine makes per item (a twin with the same content, the remote ids other records claim) use
/// indexes kept with the records, so a run's cost per item does not grow with the number of records.
///
/// The file is held under an exclusive `flock` from open until the actor is released (or the process ends), so two
/// runs can never use one state file at once: the second one's open fails with ``UploadError/locked``, or, through
/// ``open(url:waitForLock:pollInterval:onWait:)``, waits until the first one is done. The records are read only
/// once the lock is held.
package actor UploadStateFile {
    /// The file.
    package nonisolated let url: URL
    private var table: UploadRecordTable
    private let fd: Int32
    /// Lines written so far, and lines known to be synced.
    private var written = 0
    private var synced = 0
    private var syncing = false
    private var syncFailure: UploadError?
    /// Appends waiting for a sync that covers their line; each is resumed with the sync's failure, or nil.
    private var waiters: [(line: Int, continuation: CheckedContinuation<UploadError?, Never>)] = []
    /// Where the syncs run: they block for the disk, so never on the actor or the cooperative pool.
    private let syncQueue = DispatchQueue(label: "cardkit.upload.state-sync")
    /// Lines that could not be read on open (a torn last line after a crash, or damage).
    package nonisolated let ignoredLines: Int

    /// The longest line read.
    static let maxLineBytes = 1 << 20

    /// Opens (or creates, mode 0600) a state file, takes its lock and reads its records.
    /// - Parameter url: The file.
    /// - Throws: ``UploadError/locked`` when another run holds the file; ``UploadError/configuration`` when it
    ///   cannot be opened.
    package init(url: URL) throws(UploadError) {
        self.url = url
        let descriptor = Glibc.open(url.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw UploadError.configuration("\(url.path): cannot open the state file (errno \(errno))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK {
                throw UploadError.locked(
                    "\(url.path): the state file is in use by another cardkit upload; wait for it to finish"
                ).with(remedy: .waitForLock)
            }
            throw UploadError.configuration("\(url.path): cannot lock the state file (errno \(code))")
        }
        var loaded: [UploadStateRecord] = []
        var ignored = 0
        var endsWithNewline = true
        if let data = FileManager.default.contents(atPath: url.path) {
            endsWithNewline = data.isEmpty || data.last == 0x0A
            for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
                guard line.count <= Self.maxLineBytes, let value = try? JSONParser.parse(Array(line)).value,
                    let record = UploadStateRecord(json: value)
                else {
                    ignored += 1
                    continue
                }
                loaded.append(record)
            }
        }
        if !endsWithNewline { _ = "\n".withCString { Glibc.write(descriptor, $0, 1) } }
        self.fd = descriptor
        self.ignoredLines = ignored
        var table = UploadRecordTable()
        for record in loaded { table.remember(record) }
        self.table = table
    }

    /// Opens a state file, waiting for another run's lock to be released when `waitForLock` is set.
    /// - Parameters:
    ///   - url: The file.
    ///   - waitForLock: Wait (polling) instead of failing with ``UploadError/locked``.
    ///   - pollInterval: How often the lock is tried again while waiting.
    ///   - onWait: Called once, when the first try finds the lock held.
    /// - Returns: The open, locked state file.
    /// - Throws: ``UploadError/locked`` (without `waitForLock`), ``UploadError/cancelled`` when the task is
    ///   cancelled while waiting, ``UploadError/configuration``.
    package static func open(
        url: URL, waitForLock: Bool, pollInterval: Duration = .milliseconds(100),
        onWait: @Sendable () -> Void = {}
    ) async throws(UploadError) -> UploadStateFile {
        var told = false
        while true {
            do {
                return try UploadStateFile(url: url)
            } catch let error where error == .locked && waitForLock {
                if !told {
                    told = true
                    onWait()
                }
                do { try await Task.sleep(for: pollInterval) } catch {
                    throw UploadError.cancelled("cancelled while waiting for the state file lock")
                }
            }
        }
    }

    deinit { close(fd) }

    /// The last record of `key`.
    package func record(for key: String) -> UploadStateRecord? { table.records[key] }

    /// Every key's last record.
    package func allRecords() -> [UploadStateRecord] { Array(table.records.values) }

    /// A `done` record of another key with the same content hash and kind (the same item under another path: moved,
    /// copied, or named through another folder), if any.
    /// - Parameters:
    ///   - contentHash: The item's content hash.
    ///   - kind: `character` or `persona`.
    ///   - key: The item's own key, which is not returned.
    /// - Returns: The record, the one with the smallest key when several match.
    package func doneRecord(contentHash: String, kind: String, excluding key: String) -> UploadStateRecord? {
        table.doneRecord(contentHash: contentHash, kind: kind, excluding: key)
    }

    /// Which of `remoteIds` records of other keys claim (`done` with that remote id), which a read-back must never
    /// adopt for `key`.
    ///
    /// The engine asks about the objects a look-up by name found: a read-back adopts only objects of the item's
    /// name, and the engine holds the name's lock from the look-up to the create, so no other input of the run can
    /// claim a same-named object in between.
    /// - Parameters:
    ///   - remoteIds: The ids to check.
    ///   - key: The key whose own claim is left out.
    ///   - kind: `character` or `persona`.
    /// - Returns: The claimed ones.
    package func claimedRemoteIds(among remoteIds: some Sequence<String>, excluding key: String, kind: String)
        -> Set<String>
    {
        Set(remoteIds.filter { table.isClaimed($0, kind: kind, byOtherThan: key) })
    }

    /// Appends a record, and returns once the file is synced past it.
    /// - Throws: ``UploadError/configuration`` when the write or a sync fails (the run must stop: resume would be
    ///   unsafe); every later append then fails too.
    package func append(_ record: UploadStateRecord) async throws(UploadError) {
        if let syncFailure { throw syncFailure }
        var line = JSONWriter.bytes(record.json)
        line.append(0x0A)
        let count = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard count == line.count else {
            throw UploadError.configuration("\(url.path): cannot append to the state file (errno \(errno))")
        }
        written += 1
        let mine = written
        let failure = await withCheckedContinuation { continuation in
            waiters.append((mine, continuation))
            startSyncIfNeeded()
        }
        if let failure { throw failure }
        // Look-ups see a record once it is on disk, as they did when every append synced alone.
        table.remember(record)
    }

    /// Starts a sync covering every line written so far, unless one is running (its end starts the next).
    private func startSyncIfNeeded() {
        guard !syncing, synced < written else { return }
        syncing = true
        let target = written
        let descriptor = fd
        syncQueue.async { [self] in
            let code = fsync(descriptor) == 0 ? 0 : errno
            Task { await self.finishSync(through: target, errorCode: code) }
        }
    }

    private func finishSync(through target: Int, errorCode: Int32) {
        syncing = false
        if errorCode != 0, syncFailure == nil {
            syncFailure = UploadError.configuration("\(url.path): cannot sync the state file (errno \(errorCode))")
        }
        if let syncFailure {
            for waiter in waiters { waiter.continuation.resume(returning: syncFailure) }
            waiters.removeAll()
            return
        }
        synced = target
        for waiter in waiters where waiter.line <= target { waiter.continuation.resume(returning: nil) }
        waiters.removeAll { $0.line <= target }
        startSyncIfNeeded()
    }

    // MARK: - Keys and default location

    /// The canonical form of an input path.
    ///
    /// Absolute, with `.`/`..` and every symlink resolved (`realpath`), so `c.json`, `./c.json`, `/abs/c.json` and a link to it are one key. A path that cannot be resolved is made
    /// absolute and standardized.
    /// - Parameter path: The path as typed.
    /// - Returns: The canonical path.
    package static func canonicalPath(_ path: String) -> String {
        if path == "-" { return path }
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The default state file of a provider, base URL and account:
    /// `$XDG_STATE_HOME/cardkit/uploads/<provider>-<16 hex digits>.jsonl`, where the digits start the SHA-256 of the
    /// base URL (trailing slashes removed, scheme and host lowercased) and the account.
    ///
    /// Without `XDG_STATE_HOME` (or with a relative one, which the XDG specification says to ignore), the folder is
    /// `~/.local/state`.
    /// - Parameters:
    ///   - provider: The platform's raw name.
    ///   - baseURL: The API base URL.
    ///   - account: Identifies the account (a user id, or a digest of the credential; never the credential).
    ///   - environment: The environment (default: the process's).
    /// - Returns: The file URL.
    package static func defaultURL(
        provider: String, baseURL: URL, account: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL {
        var root: URL
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            root = URL(fileURLWithPath: xdg, isDirectory: true)
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            root = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".local/state")
        }
        root = root.appendingPathComponent("cardkit/uploads", isDirectory: true)
        let digest = UploadDigest.sha256Hex(Array((normalizedBase(baseURL) + "\n" + account).utf8))
        return root.appendingPathComponent("\(provider)-\(digest.prefix(16)).jsonl")
    }

    /// An account label derived from a credential: `credential-sha256:<hex>`, so that the state file name depends
    /// on the account without holding the credential.
    /// - Parameter credential: The token or key.
    /// - Returns: The label.
    package static func accountDigest(ofCredential credential: String) -> String {
        "credential-sha256:" + UploadDigest.sha256Hex(Array(credential.utf8))
    }

    static func normalizedBase(_ url: URL) -> String {
        var text = url.absoluteString
        if var components = URLComponents(url: url, resolvingAgainstBaseURL: false) {
            let scheme = components.scheme?.lowercased()
            let host = components.host?.lowercased()
            components.scheme = scheme
            components.host = host
            text = components.string ?? text
        }
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

/// The last record of every key, with the indexes of `done` records by content and by remote id (internal).
private struct UploadRecordTable {
    private(set) var records: [String: UploadStateRecord] = [:]
    /// Keys of `done` records, by kind and content hash.
    private var doneByContent: [String: Set<String>] = [:]
    /// Keys of `done` records, by kind and remote id: the ids they claim.
    private var claimants: [String: Set<String>] = [:]

    /// Makes `record` its key's last record, and keeps the indexes with it.
    mutating func remember(_ record: UploadStateRecord) {
        if let old = records[record.key], old.state == .done {
            doneByContent[Self.indexKey(old.kind, old.contentHash)]?.remove(old.key)
            if let id = old.remoteId { claimants[Self.indexKey(old.kind, id)]?.remove(old.key) }
        }
        records[record.key] = record
        guard record.state == .done else { return }
        doneByContent[Self.indexKey(record.kind, record.contentHash), default: []].insert(record.key)
        if let id = record.remoteId { claimants[Self.indexKey(record.kind, id), default: []].insert(record.key) }
    }

    /// The `done` record of the smallest key other than `key` with this content hash and kind.
    func doneRecord(contentHash: String, kind: String, excluding key: String) -> UploadStateRecord? {
        (doneByContent[Self.indexKey(kind, contentHash)] ?? []).filter { $0 != key }.min().flatMap { records[$0] }
    }

    /// Whether a `done` record of a key other than `key` claims `remoteId`.
    func isClaimed(_ remoteId: String, kind: String, byOtherThan key: String) -> Bool {
        (claimants[Self.indexKey(kind, remoteId)] ?? []).contains { $0 != key }
    }

    private static func indexKey(_ kind: String, _ value: String) -> String { kind + "\u{0}" + value }
}
