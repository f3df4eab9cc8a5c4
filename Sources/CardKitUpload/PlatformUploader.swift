package import CardKitJSON
public import CardPlatforms
public import Foundation
package import Logging

/// An object found on (or created on) a platform.
package struct UploadRemoteObject: Sendable {
    /// The platform's id.
    package var id: String
    /// The platform's version counter, when it has one (NextChat).
    package var version: Int?
    /// The object's fields as the platform returned them.
    package var fields: JSONObject

    /// Creates a remote object.
    package init(id: String, version: Int? = nil, fields: JSONObject) {
        self.id = id
        self.version = version
        self.fields = fields
    }
}

/// What an update did.
package enum UploadUpdateResult: Sendable, Hashable {
    /// The remote object now holds the payload.
    case updated(remoteId: String, version: Int?)
    /// The remote object exists and was deliberately left as it is (the reason says why).
    case leftUnchanged(reason: String)
}

/// How a platform's objects come to exist.
public enum UploadMode: Sendable, Hashable {
    /// Objects are created, found by name before a create, and updated when asked.
    case createOrUpdate
    /// The platform cannot create objects: every input names the id of an existing one, which is updated (Chattr).
    case updateOnly
}

/// One platform's upload client, as the upload engine uses it: preflight, find, create, update.
///
/// Each platform client conforms (``SpicychatClient``, ``ChattrClient``, ``NextChatClient``); the engine never asks
/// which platform it talks to.
package protocol PlatformUploader: Sendable {
    /// The platform.
    var provider: UploadPlatform { get }

    /// A cheap authenticated read that proves the platform is reachable and accepts the credential.
    /// - Throws: ``UploadError`` of the request.
    func preflight() async throws(UploadError)

    /// Who the account is, for naming the default state file; nil when the API has no account read.
    /// - Throws: ``UploadError`` of the request.
    func accountIdentity() async throws(UploadError) -> String?

    /// Every remote object of `kind` named `name` (the platform's own name matching).
    /// - Throws: ``UploadError`` of the request.
    func find(name: String, kind: UploadKind) async throws(UploadError) -> [UploadRemoteObject]

    /// Creates the item's object, never twice.
    /// - Parameters:
    ///   - item: The prepared item.
    ///   - kind: Characters or personas.
    ///   - excluding: Remote ids a read-back after an ambiguous failure must not adopt.
    ///   - willSend: Called right before the create request (after any avatar upload); the engine writes its
    ///     `intent` record there.
    /// - Returns: The created (or read back) object.
    /// - Throws: ``UploadError``.
    func create(
        _ item: UploadPreparedItem, kind: UploadKind, excluding: Set<String>,
        willSend: @Sendable () async throws(UploadError) -> Void
    ) async throws(UploadError) -> UploadRemoteObject

    /// Updates the remote object `remoteId` with the item's payload.
    /// - Throws: ``UploadError``.
    func update(_ item: UploadPreparedItem, kind: UploadKind, remoteId: String) async throws(UploadError)
        -> UploadUpdateResult
}

/// What a platform client needs to connect: where, with which credential, and how to send.
package struct UploadConnection: Sendable {
    /// The API base URL.
    package var baseURL: URL
    /// The access token or API key; nil when a refresh token will fetch one.
    package var token: String?
    /// A refresh-token configuration, for the platforms that have one.
    package var refresh: UploadRefreshCredentials?
    /// The OAuth host for the refresh-token grant; nil for the platform's default.
    package var authURL: URL?
    /// The transport.
    package var transport: any UploadTransport
    /// The retry policy.
    package var policy: UploadRetryPolicy
    /// The logger.
    package var logger: Logger
    /// Accept plain HTTP to hosts that are not loopback.
    package var allowInsecureHTTP: Bool

    /// Creates a connection description.
    package init(
        baseURL: URL, token: String?, refresh: UploadRefreshCredentials? = nil, authURL: URL? = nil,
        transport: any UploadTransport, policy: UploadRetryPolicy = .init(), logger: Logger = .silent,
        allowInsecureHTTP: Bool = false
    ) {
        self.baseURL = baseURL
        self.token = token
        self.refresh = refresh
        self.authURL = authURL
        self.transport = transport
        self.policy = policy
        self.logger = logger
        self.allowInsecureHTTP = allowInsecureHTTP
    }

    /// The token, or ``UploadError/credentials`` naming the platform when there is none.
    func requireToken(_ provider: UploadPlatform) throws(UploadError) -> String {
        guard let token else { throw UploadError.credentials("no \(provider) credential") }
        return token
    }
}

/// The upload side of a platform: its credential, default base URL, what it accepts and how it connects.
///
/// The card side (names, conversion, schemas) is the platform's ``PlatformDescriptor``; this adds only what needs
/// the HTTP client. Each platform's value sits beside its client (``SpicychatClient``, …).
public struct UploadPlatform: Sendable, Hashable, CustomStringConvertible {
    /// Finishes a converted payload for sending.
    ///
    /// Puts the avatar where the platform reads it and checks the rules no schema states; returns the reason the
    /// payload cannot be sent, or nil.
    typealias Finish =
        @Sendable (
            _ payload: inout JSONObject, _ avatar: UploadAvatar?, _ reference: String?, _ kind: UploadKind
        ) -> String?

    /// The platform (names, conversion, schemas).
    public let platform: Platform
    /// The environment variable holding the credential.
    public let environmentVariable: String
    /// The production base URL (configurable everywhere).
    public let defaultBaseURL: URL
    /// How objects come to exist.
    public let mode: UploadMode
    /// Whether the platform can refresh an access token (and so needs no access token to start).
    public let refreshesTokens: Bool
    let finish: Finish
    let connect: @Sendable (UploadConnection) throws(UploadError) -> any PlatformUploader

    init(
        platform: Platform, environmentVariable: String, defaultBaseURL: URL, mode: UploadMode = .createOrUpdate,
        refreshesTokens: Bool = false, finish: @escaping Finish,
        connect: @escaping @Sendable (UploadConnection) throws(UploadError) -> any PlatformUploader
    ) {
        self.platform = platform
        self.environmentVariable = environmentVariable
        self.defaultBaseURL = defaultBaseURL
        self.mode = mode
        self.refreshesTokens = refreshesTokens
        self.finish = finish
        self.connect = connect
    }

    /// The card side of the platform.
    package var descriptor: PlatformDescriptor { platform.descriptor }

    /// Every platform with an upload client, in ``Platform`` order.
    public static var all: [UploadPlatform] { Platform.allCases.compactMap(\.upload) }

    /// The upload side of the platform named `name` (``Platform``'s raw value); nil when there is none.
    /// - Parameter name: A platform name, as the command line spells it, in any letter case.
    public init?(name: String) {
        guard let upload = Platform(rawValue: name.lowercased())?.upload else { return nil }
        self = upload
    }

    /// The platform's name (``Platform``'s raw value), as file names and the credentials file spell it.
    public var name: String { platform.rawValue }

    /// The display name.
    public var description: String { platform.displayName }

    /// Whether both are the upload side of one platform.
    public static func == (lhs: UploadPlatform, rhs: UploadPlatform) -> Bool { lhs.platform == rhs.platform }

    /// Hashes the platform.
    public func hash(into hasher: inout Hasher) { hasher.combine(platform) }

    /// What the platform accepts, as upload kinds.
    public var kinds: [UploadKind] {
        UploadKind.allCases.filter { descriptor.accepts.contains($0.objectKind) }
    }

    /// Connects a client.
    /// - Parameter connection: Where and how.
    /// - Returns: The platform's uploader.
    /// - Throws: ``UploadError/insecureURL``, ``UploadError/configuration`` or ``UploadError/credentials``.
    package func uploader(_ connection: UploadConnection) throws(UploadError) -> any PlatformUploader {
        try connect(connection)
    }
}

extension UploadKind {
    /// The platform-side kind.
    package var objectKind: PlatformObjectKind {
        switch self {
        case .characters: .character
        case .personas: .persona
        }
    }
}
