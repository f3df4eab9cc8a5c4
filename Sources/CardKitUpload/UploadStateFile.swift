public import CardKitJSON
public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One line of the state file.
public struct UploadStateRecord: Sendable, Hashable {
    /// Where an item stands.
    public enum State: String, Sendable, Hashable {
        /// A create is about to be sent (written, and synced, before the request leaves). On resume, the item is
        /// reconciled by reading back before anything else is sent.
        case intent
        /// Uploaded; `remoteId` names the remote object.
        case done
        /// Failed; `error` says why.
        case failed
        /// Deliberately not uploaded (for example unchanged, or existing without `--update-existing`).
        case skipped
    }

    /// The item's stable key (the input path).
    public var key: String
    /// `sha256:<hex>` of the converted payload.
    public var contentHash: String
    /// `character` or `persona`.
    public var kind: String
    /// The platform.
    public var provider: String
    /// The state.
    public var state: State
    /// The item's name (used for read-back).
    public var name: String
    /// The remote id, once known.
    public var remoteId: String?
    /// The remote version (NextChat), once known.
    public var remoteVersion: Int?
    /// The last error, as text (never containing a credential).
    public var error: String?
    /// When the record was written (ISO 8601).
    public var updatedAt: String

    /// Creates a record.
    public init(
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

    /// The current time in ISO 8601.
    public static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    /// The record as a JSON object (keys in a fixed order).
    public var json: JSONValue {
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
    public init?(json: JSONValue) {
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
/// Every record is written as one line, then the file is synced (`fsync`) before the call returns, so after a crash
/// or `kill -9` the file holds every record written before it, plus at most one torn last line, which is ignored on
/// the next open. The last record of a key wins.
public actor UploadStateFile {
    /// The file.
    public nonisolated let url: URL
    private var records: [String: UploadStateRecord]
    private let fd: Int32
    /// Lines that could not be read on open (a torn last line after a crash, or damage).
    public nonisolated let ignoredLines: Int

    /// The longest line read.
    static let maxLineBytes = 1 << 20

    /// Opens (or creates, mode 0600) a state file and reads its records.
    /// - Throws: ``UploadError/configuration`` when it cannot be opened.
    public init(url: URL) throws(UploadError) {
        self.url = url
        var records: [String: UploadStateRecord] = [:]
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
                records[record.key] = record
            }
        }
        let descriptor = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw UploadError.configuration("\(url.path): cannot open the state file (errno \(errno))")
        }
        if !endsWithNewline { _ = "\n".withCString { Glibc.write(descriptor, $0, 1) } }
        self.fd = descriptor
        self.records = records
        self.ignoredLines = ignored
    }

    deinit { close(fd) }

    /// The last record of `key`.
    public func record(for key: String) -> UploadStateRecord? { records[key] }

    /// Every key's last record.
    public func allRecords() -> [UploadStateRecord] { Array(records.values) }

    /// Appends a record, then syncs the file.
    /// - Throws: ``UploadError/configuration`` when the write fails (the run must stop: resume would be unsafe).
    public func append(_ record: UploadStateRecord) throws(UploadError) {
        var line = JSONWriter.bytes(record.json)
        line.append(0x0A)
        let written = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            throw UploadError.configuration("\(url.path): cannot append to the state file (errno \(errno))")
        }
        guard fsync(fd) == 0 else {
            throw UploadError.configuration("\(url.path): cannot sync the state file (errno \(errno))")
        }
        records[record.key] = record
    }
}
