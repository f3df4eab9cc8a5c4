package import CardKitJSON
package import CardModel
public import CardPlatforms
public import Foundation
package import Logging
import OrderedCollections

/// What is being uploaded.
public enum UploadKind: String, Sendable, Hashable, CaseIterable {
    /// Character cards.
    case characters
    /// Personas.
    case personas

    var recordKind: String { self == .characters ? "character" : "persona" }
}

/// One input as loaded by the caller (the CLI loads any container through `CardKit`).
package enum UploadInput: Sendable {
    /// A card; `imageBytes` holds the PNG file the card came from, used as the avatar.
    case card(Card, imageBytes: [UInt8]?)
    /// A persona file.
    case persona(Persona)
    /// Not an input of this run (for example a persona found while walking a folder for characters); skipped.
    case notApplicable(String)
}

/// Options of a bulk upload.
public struct UploadOptions: Sendable {
    /// The platform.
    public var provider: UploadPlatform
    /// Characters or personas.
    public var kind: UploadKind
    /// Uploads in flight at once (default 4).
    public var concurrency: Int = 4
    /// Items started per second, when limited (clamped into 0.001...10,000; nil, zero, negative, NaN or infinite
    /// means no limit).
    public var ratePerSecond: Double? = nil
    /// Convert and validate only; send nothing.
    public var dryRun: Bool = false
    /// Update remote objects that already exist (found in the state file or by name) instead of skipping them.
    public var updateExisting: Bool = false
    /// Create an object even when the platform already has another one of the same name.
    ///
    /// That other object has other content, or another state record claims it. Off by default: such an input fails with a message naming the
    /// existing object.
    public var allowDuplicateNames: Bool = false
    /// Input path → Chattr character id.
    public var idMap: [String: String] = [:]
    /// Conversion choices.
    public var conversion: PlatformConversionOptions = PlatformConversionOptions()
    /// The largest avatar read, in bytes.
    package var maxAvatarBytes: Int = 16 << 20

    /// Creates options.
    public init(provider: UploadPlatform, kind: UploadKind) {
        self.provider = provider
        self.kind = kind
    }
}

/// What happened to one input.
public struct UploadOutcome: Sendable, Hashable {
    /// The status of an input.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Created on the platform.
        case created
        /// An existing remote object was updated.
        case updated
        /// Nothing to do: uploaded before with the same content.
        case unchanged
        /// Not uploaded on purpose (exists, or changed while updates are off).
        case skipped
        /// Would be uploaded (dry run).
        case planned
        /// The input could not be read, converted or validated; nothing was sent.
        case invalid
        /// The upload failed.
        case failed
    }

    /// The input path.
    public var path: String
    /// The item's name, when known.
    public var name: String
    /// The status.
    public var status: Status
    /// The remote id, when known.
    public var remoteId: String?
    /// Why it failed or was skipped, or a note.
    public var message: String?
    /// The number of loss-report entries of the conversion.
    public var losses: Int
    /// The run setting that would have uploaded it (for a skipped or failed input), when one would.
    public var remedy: UploadRemedy? = nil
}

/// A progress event.
public struct UploadProgress: Sendable {
    /// Inputs finished so far.
    public var completed: Int
    /// All inputs.
    public var total: Int
    /// The input that just finished.
    public var outcome: UploadOutcome
}

/// The result of a bulk upload.
public struct UploadSummary: Sendable {
    /// One outcome per finished input, in input order.
    public var outcomes: [UploadOutcome]
    /// Inputs never attempted because the run stopped.
    public var notAttempted: [String]
    /// Why the run stopped early, if it did.
    public var stopReason: UploadError?
    /// The state file the run used (set by ``UploadRun``).
    public var stateFile: URL? = nil
    /// Named paths that do not exist, left out of the run (set by ``UploadRun``).
    public var missing: [String] = []

    /// How many inputs ended with `status`.
    public func count(_ status: UploadOutcome.Status) -> Int { outcomes.filter { $0.status == status }.count }

    /// How the run went, as one value the caller maps to its own status (the CLI's exit code).
    public var verdict: UploadVerdict {
        if let stopReason, stopReason.isFatalForRun || stopReason == .transport || stopReason == .timeout {
            return .providerUnavailable
        }
        if stopReason != nil || !notAttempted.isEmpty || !missing.isEmpty { return .someFailed }
        return outcomes.contains { $0.status == .failed || $0.status == .invalid } ? .someFailed : .succeeded
    }

    /// The summary table: a `status count` header, one row per status that occurred, `not-attempted` when some
    /// were, and the `total`.
    public var table: [String] {
        func row(_ label: String, _ count: Int) -> String {
            label.padding(toLength: 14, withPad: " ", startingAt: 0) + String(count)
        }
        var lines = ["status        count"]
        for status in UploadOutcome.Status.allCases where count(status) > 0 {
            lines.append(row(status.rawValue, count(status)))
        }
        if !notAttempted.isEmpty { lines.append(row("not-attempted", notAttempted.count)) }
        lines.append(row("total", outcomes.count + notAttempted.count))
        return lines
    }
}

/// How a bulk upload went.
public enum UploadVerdict: Sendable, Hashable {
    /// Everything was uploaded, planned or already done.
    case succeeded
    /// Some input failed, was invalid or was not attempted.
    case someFailed
    /// The platform was unreachable or refused the credentials.
    case providerUnavailable
}

/// The bulk upload engine.
///
/// 1. Preflight: one authenticated read proves the provider is reachable and accepts the credential (else exit 3).
/// 2. Each input is loaded, converted (``PlatformConverter``) and checked before anything is sent; invalid inputs
///    are reported and skipped.
/// 3. Inputs are keyed by canonical path (``UploadStateFile/canonicalPath(_:)``); the same file named twice in one
///    run (`c.json c.json`, `./x` and `/abs/x`, a symlink) is processed once, the repeats reported as skipped.
/// 4. The state file decides: `done` with the same content hash is skipped, and so is an item whose content hash
///    another `done` record carries (the same card under another path).
/// 5. Before any create, the platform is searched for objects of the same name (``PlatformUploader/find(name:kind:)``). One whose
///    fields equal the converted payload, and that no other state record claims, is adopted as done (this is the
///    "marker": no platform offers a field we control, so the content itself is compared). Another object of the
///    same name blocks the create unless ``UploadOptions/allowDuplicateNames``. Items of one name are processed one
///    at a time, so two inputs of one name in one run never race.
/// 6. A create writes `intent` (synced) before the request and `done` after the answer; failures write `failed`.
///    An `intent` left by a crash is reconciled by the same lookup.
/// 7. Uploads run in a task group bounded by `concurrency`, optionally paced by `ratePerSecond`. A fatal error
///    (credentials refused) or a rate limit beyond the retry cap stops the batch cleanly.
package struct UploadEngine: Sendable {
    /// The platform's uploader (nil for a dry run without network).
    package let client: (any PlatformUploader)?
    /// The options.
    package let options: UploadOptions
    /// The state file.
    package let state: UploadStateFile?
    /// Loads one input; an ``UploadInputError`` names why it cannot be uploaded (another error is reported by its
    /// description).
    package let loader: @Sendable (String) throws -> UploadInput
    /// The logger.
    package let logger: Logger
    /// Receives one event per finished input.
    package let progress: @Sendable (UploadProgress) -> Void
    private let names = UploadNameGate()

    /// Creates an engine.
    package init(
        client: (any PlatformUploader)?, options: UploadOptions, state: UploadStateFile?,
        logger: Logger = .silent, progress: @escaping @Sendable (UploadProgress) -> Void = { _ in },
        loader: @escaping @Sendable (String) throws -> UploadInput
    ) {
        self.client = client
        self.options = options
        self.state = state
        self.loader = loader
        self.logger = logger
        self.progress = progress
    }

    /// Uploads every path.
    package func run(paths: [String]) async -> UploadSummary {
        if !options.dryRun {
            guard let client else {
                return UploadSummary(outcomes: [], notAttempted: paths, stopReason: .configuration("no client"))
            }
            do {
                try await client.preflight()
            } catch {
                return UploadSummary(
                    outcomes: [], notAttempted: paths,
                    stopReason: Self.preflightFailure(error, provider: options.provider))
            }
        }
        let control = UploadRunControl(total: paths.count)
        let limiter = options.ratePerSecond.flatMap(UploadRateLimiter.init(perSecond:))
        // The same file named twice: process the first occurrence only.
        var firstByKey: [String: String] = [:]
        var repeatOf: [Int: String] = [:]
        for (index, path) in paths.enumerated() {
            let key = UploadStateFile.canonicalPath(path)
            if let first = firstByKey[key] { repeatOf[index] = first } else { firstByKey[key] = path }
        }
        let width = max(1, min(options.concurrency, 256))
        var results = [UploadOutcome?](repeating: nil, count: paths.count)
        await withTaskGroup(of: (Int, UploadOutcome?).self) { group in
            var next = 0
            func startNext() {
                guard next < paths.count else { return }
                let index = next
                next += 1
                if let first = repeatOf[index] {
                    group.addTask {
                        (
                            index,
                            UploadOutcome(
                                path: paths[index], name: "", status: .skipped, remoteId: nil,
                                message: "the same file as \(first), named twice; processed once", losses: 0)
                        )
                    }
                    return
                }
                group.addTask {
                    if await control.isStopped { return (index, nil) }
                    if let limiter { await limiter.acquire() }
                    if await control.isStopped { return (index, nil) }
                    let outcome = await process(paths[index], control: control)
                    return (index, outcome)
                }
            }
            for _ in 0..<width { startNext() }
            while let (index, outcome) = await group.next() {
                if let outcome {
                    results[index] = outcome
                    let completed = await control.finish()
                    progress(UploadProgress(completed: completed, total: paths.count, outcome: outcome))
                }
                startNext()
            }
        }
        var outcomes: [UploadOutcome] = []
        var notAttempted: [String] = []
        for (index, outcome) in results.enumerated() {
            if let outcome { outcomes.append(outcome) } else { notAttempted.append(paths[index]) }
        }
        return UploadSummary(outcomes: outcomes, notAttempted: notAttempted, stopReason: await control.stopReason)
    }

    /// The run-stopping error reported when the preflight (or any first contact) fails.
    /// - Parameters:
    ///   - error: The error of the request.
    ///   - provider: The platform.
    /// - Returns: `transport`/`timeout` (unreachable) or `authentication` (refused) with a message naming the
    ///   platform, else `configuration`.
    package static func preflightFailure(_ error: UploadError, provider: UploadPlatform) -> UploadError {
        if error == .transport || error == .timeout {
            return error.with(message: "\(provider) is unreachable: \(error.message)")
        } else if error == .authentication || error == .forbidden {
            return UploadError.authentication(
                "\(provider) refused the credentials: \(error.message)", status: error.status,
                platformCode: error.platformCode)
        }
        return UploadError.configuration("\(provider) preflight failed: \(error)")
    }

    // MARK: - One item

    private func process(_ path: String, control: UploadRunControl) async -> UploadOutcome {
        let prepared: UploadPreparedItem
        do {
            let input = try loader(path)
            if case .notApplicable(let reason) = input {
                return UploadOutcome(path: path, name: "", status: .skipped, remoteId: nil, message: reason, losses: 0)
            }
            prepared = try UploadPreparer(options: options).prepare(path: path, input: input)
        } catch {
            let message = (error as? UploadInputError)?.reason ?? String(describing: error)
            logger.log(.info, "\(path): invalid: \(message)")
            return UploadOutcome(path: path, name: "", status: .invalid, remoteId: nil, message: message, losses: 0)
        }
        if options.dryRun {
            let existing = await state?.record(for: prepared.key)
            if existing?.state == .done, existing?.contentHash == prepared.contentHash {
                return outcome(prepared, .unchanged, existing?.remoteId, "already uploaded")
            }
            switch options.provider.mode {
            case .updateOnly:
                return outcome(
                    prepared, .planned, existing?.remoteId,
                    "would update \(options.provider) character \"\(prepared.chattrId ?? "")\"")
            case .createOrUpdate:
                if existing == nil,
                    let twin = await state?.doneRecord(
                        contentHash: prepared.contentHash, kind: options.kind.recordKind, excluding: prepared.key)
                {
                    return outcome(prepared, .unchanged, twin.remoteId, "already uploaded as \(twin.key)")
                }
                if existing?.state == .done {
                    if options.updateExisting {
                        let note = "would update \(existing?.remoteId ?? "")"
                        return outcome(prepared, .planned, existing?.remoteId, note)
                    }
                    return outcome(
                        prepared, .planned, existing?.remoteId, "changed; would skip while updates are off",
                        remedy: .updateExisting)
                }
                return outcome(prepared, .planned, existing?.remoteId, "would create")
            }
        }
        do {
            let result = try await uploadOnePerName(prepared)
            logger.log(.info, "\(path): \(result.status.rawValue)\(result.remoteId.map { " (\($0))" } ?? "")")
            return result
        } catch {
            if error.isFatalForRun || (error == .rateLimited && error.retryAfter != nil) || error == .configuration {
                await control.stop(error)
            }
            try? await state?.append(record(prepared, .failed, error: error.description))
            logger.log(.warning, "\(path): failed: \(error)")
            return outcome(prepared, .failed, nil, error.description, remedy: error.remedy)
        }
    }

    private func outcome(
        _ item: UploadPreparedItem, _ status: UploadOutcome.Status, _ id: String?, _ message: String?,
        remedy: UploadRemedy? = nil
    ) -> UploadOutcome {
        UploadOutcome(
            path: item.path, name: item.name, status: status, remoteId: id, message: message, losses: item.losses,
            remedy: remedy)
    }

    private func record(
        _ item: UploadPreparedItem, _ state: UploadStateRecord.State, remoteId: String? = nil, version: Int? = nil,
        error: String? = nil
    ) -> UploadStateRecord {
        UploadStateRecord(
            key: item.key, contentHash: item.contentHash, kind: options.kind.recordKind,
            provider: options.provider.name, state: state, name: item.name, remoteId: remoteId,
            remoteVersion: version, error: error.map(logger.scrub))
    }

    /// Uploads with the item's name held, so the lookup before a create sees what an earlier item of the same name
    /// created (an update-only platform creates nothing and needs no gate).
    private func uploadOnePerName(_ item: UploadPreparedItem) async throws(UploadError) -> UploadOutcome {
        switch options.provider.mode {
        case .updateOnly: return try await upload(item)
        case .createOrUpdate: break
        }
        let name = item.name.lowercased()
        await names.acquire(name)
        let result: Result<UploadOutcome, UploadError>
        do {
            result = .success(try await upload(item))
        } catch {
            result = .failure(error)
        }
        await names.release(name)
        return try result.get()
    }

    private func upload(_ item: UploadPreparedItem) async throws(UploadError) -> UploadOutcome {
        guard let client else { throw UploadError.configuration("no client") }
        let existing = await state?.record(for: item.key)
        switch options.provider.mode {
        case .updateOnly:
            if existing?.state == .done, existing?.contentHash == item.contentHash {
                return outcome(item, .unchanged, existing?.remoteId, "already uploaded")
            }
            let id = item.chattrId ?? ChattrCharacter.slug(for: item.name)
            return try await update(item, remoteId: id, client: client)
        case .createOrUpdate:
            return try await createOrUpdate(item, existing: existing, client: client)
        }
    }

    private func createOrUpdate(
        _ item: UploadPreparedItem, existing: UploadStateRecord?, client: any PlatformUploader
    ) async throws(UploadError) -> UploadOutcome {
        if let existing, existing.state == .done {
            if existing.contentHash == item.contentHash {
                return outcome(item, .unchanged, existing.remoteId, "already uploaded")
            }
            guard options.updateExisting, let remoteId = existing.remoteId else {
                return outcome(
                    item, .skipped, existing.remoteId, "changed since it was uploaded; updates are off",
                    remedy: .updateExisting)
            }
            return try await update(item, remoteId: remoteId, client: client)
        }
        let kind = options.kind.recordKind
        if existing == nil, !options.updateExisting,
            let twin = await state?.doneRecord(contentHash: item.contentHash, kind: kind, excluding: item.key)
        {
            // The same content under another path (moved, copied, or typed through another folder).
            try await state?.append(record(item, .done, remoteId: twin.remoteId, version: twin.remoteVersion))
            return outcome(item, .unchanged, twin.remoteId, "already uploaded as \(twin.key)")
        }
        // Look before creating: the object may exist (an interrupted run, another state file). Objects claimed by
        // another record are never adopted.
        let interrupted = existing?.state == .intent
        let sameName = try await client.find(name: item.name, kind: options.kind)
        let claimed =
            await state?.claimedRemoteIds(among: sameName.map(\.id), excluding: item.key, kind: kind) ?? []
        let unclaimed = sameName.filter { !claimed.contains($0.id) }
        if let match = unclaimed.first(where: { UploadContentMatch.matches(item.payload, remote: $0.fields) }) {
            try await state?.append(record(item, .done, remoteId: match.id, version: match.version))
            if interrupted {
                return outcome(item, .created, match.id, "found after an interrupted run; not created again")
            }
            return outcome(
                item, .unchanged, match.id, "already on \(options.provider) with the same content; not created again")
        }
        if options.updateExisting, let target = unclaimed.first {
            return try await update(item, remoteId: target.id, client: client)
        }
        if let other = sameName.first, !options.allowDuplicateNames {
            let isClaimed = claimed.contains(other.id)
            let whose = isClaimed ? "belongs to another input" : "has other content"
            throw UploadError.conflict(
                "\(options.provider) already has a \(kind) named \"\(item.name)\" (\(other.id)) that \(whose); not creating a second one",
                status: nil
            ).with(remedy: isClaimed ? .allowDuplicateNames : .allowDuplicateNamesOrUpdateExisting)
        }
        let state = self.state
        let intent = record(item, .intent)
        let created = try await client.create(
            item, kind: options.kind, excluding: claimed,
            willSend: { () async throws(UploadError) in try await state?.append(intent) })
        try await state?.append(record(item, .done, remoteId: created.id, version: created.version))
        return outcome(
            item, .created, created.id,
            interrupted ? "re-created after an interrupted run (read-back found nothing)" : nil)
    }

    private func update(_ item: UploadPreparedItem, remoteId: String, client: any PlatformUploader)
        async throws(UploadError) -> UploadOutcome
    {
        switch try await client.update(item, kind: options.kind, remoteId: remoteId) {
        case .updated(let id, let version):
            try await state?.append(record(item, .done, remoteId: id, version: version))
            return outcome(item, .updated, id, nil)
        case .leftUnchanged(let reason):
            try await state?.append(record(item, .done, remoteId: remoteId))
            return outcome(item, .skipped, remoteId, reason)
        }
    }
}

/// Shared run state: completion count and the stop switch.
actor UploadRunControl {
    private(set) var stopReason: UploadError?
    private var completed = 0
    let total: Int

    init(total: Int) { self.total = total }

    var isStopped: Bool { stopReason != nil }

    func stop(_ reason: UploadError) { if stopReason == nil { stopReason = reason } }

    func finish() -> Int {
        completed += 1
        return completed
    }
}

/// Paces item starts to a rate.
actor UploadRateLimiter {
    private let interval: Duration
    private var nextSlot = ContinuousClock.now

    /// The slowest and fastest rates; a rate outside is clamped into this range.
    static let rates: ClosedRange<Double> = 0.001...10_000

    /// A limiter for `perSecond` items per second (clamped into ``rates``); nil, meaning no pacing, for a rate that
    /// is not positive, NaN or infinite.
    init?(perSecond: Double) {
        guard perSecond > 0, perSecond.isFinite else { return nil }
        interval = .nanoseconds(Int64(1e9 / min(max(perSecond, Self.rates.lowerBound), Self.rates.upperBound)))
    }

    func acquire() async {
        let now = ContinuousClock.now
        let slot = max(now, nextSlot)
        nextSlot = slot + interval
        if slot > now { try? await Task.sleep(until: slot, clock: .continuous) }
    }
}

/// Lets one task at a time work on a name; the others wait their turn in order.
actor UploadNameGate {
    private var busy: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func acquire(_ name: String) async {
        guard busy.contains(name) else {
            busy.insert(name)
            return
        }
        await withCheckedContinuation { waiters[name, default: []].append($0) }
    }

    func release(_ name: String) {
        if var queue = waiters[name], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[name] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            busy.remove(name)
        }
    }
}

/// Decides whether a remote object is the one a converted payload would create.
///
/// No platform lets a created object carry a field we control (an external id or metadata), and a suffix in a
/// description would change the content, so the content itself is the marker: every field of the payload that the
/// platform returns must be equal (numbers by value; objects key by key, recursively, over the payload's keys).
/// Fields the platform does not return (a Spicychat avatar key is assigned by the server) are not compared; the
/// name must always be present and equal.
package enum UploadContentMatch {
    /// Whether `remote` carries the same content as `payload`.
    /// - Parameters:
    ///   - payload: The converted object that would be sent.
    ///   - remote: The object as the platform returned it (list or search result).
    /// - Returns: Whether every payload field the remote object has is equal, the name included.
    package static func matches(_ payload: JSONObject, remote: JSONObject) -> Bool {
        guard let name = payload["name"], let remoteName = remote["name"], same(name, remoteName) else {
            return false
        }
        for (key, value) in payload where key != "avatar_url" {
            guard let other = remote[key] else { continue }
            guard same(value, other) else { return false }
        }
        return true
    }

    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return x.literal == y.literal || x.doubleValue == y.doubleValue
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.object(let x), .object(let y)):
            return x.allSatisfy { key, value in y[key].map { same(value, $0) } ?? (value == .null) }
        default:
            return a == b
        }
    }
}
