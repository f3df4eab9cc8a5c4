import CardKitJSON
import Foundation

/// The in-memory state of the fake platforms, the fault injector's state and the statistics. All mutation happens on
/// this actor, so the state is consistent whatever the client's concurrency.
///
/// Each provider's handlers are extensions of this actor in that provider's file (`FakeSpicychat.swift`,
/// `FakeChattr.swift`, `FakeNextChat.swift`); the fault stage is in `FakeFaults.swift` and the debug routes in
/// `FakeDebugRoutes.swift`.
actor FakeProviderStore {
    var configuration: FakeProviderConfiguration
    /// `http://host:port`, for the presigned URLs Spicychat's `save-image` hands out.
    var baseURL = ""

    // MARK: Fault stage

    var random: FakeRandom
    var scripted: [FakeScriptedFault] = []
    var rateWindowStart = ContinuousClock.now
    var rateWindowCount = 0

    // MARK: Statistics

    /// API requests seen by the fault stage (debug routes excluded).
    var requestCount = 0
    /// Injected faults by kind (`scripted`, `rate-limit`, or a ``FakeFault`` raw value).
    var injected: [String: Int] = [:]
    /// Creates by `<provider>/<kind>/<name>`; a count above 1 is a duplicate (Chattr updates are counted but are
    /// upserts, so they never count as duplicates).
    var createCounts: [String: Int] = [:]

    // MARK: Providers

    var spicychat: FakeSpicychatState
    var chattr = FakeChattrState()
    var nextchat = FakeNextChatState()

    init(configuration: FakeProviderConfiguration) {
        self.configuration = configuration
        self.random = FakeRandom(seed: configuration.seed)
        self.spicychat = FakeSpicychatState(configuration: configuration)
    }

    func setBaseURL(_ url: String) { baseURL = url }

    func update(_ change: @Sendable (inout FakeProviderConfiguration) -> Void) { change(&configuration) }

    func countCreate(_ key: String) { createCounts[key, default: 0] += 1 }

    /// Forgets every character, persona, image, token, scripted fault and statistic; the configuration stays.
    func reset() {
        spicychat = FakeSpicychatState(configuration: configuration)
        chattr = FakeChattrState()
        nextchat = FakeNextChatState()
        createCounts = [:]
        injected = [:]
        requestCount = 0
        scripted = []
    }

    /// The state as served by `GET /__debug/state`.
    func snapshot() -> JSONValue {
        let duplicates = createCounts.filter { $0.value > 1 && !$0.key.hasPrefix("chattr/") }.keys.sorted()
        var faults = JSONObject()
        for key in injected.keys.sorted() { faults[key] = .number(JSONNumber(injected[key] ?? 0)) }
        return [
            "spicychat": spicychat.snapshot,
            "chattr": ["characters": .array(chattr.characters.all.map { .object($0) })],
            "nextchat": ["characters": .array(nextchat.characters.all.map { .object($0) })],
            "stats": [
                "requests": .number(JSONNumber(requestCount)), "injected": .object(faults),
                "duplicates": .array(duplicates.map { .string($0) }),
            ],
        ]
    }
}

/// An insertion-ordered id → object map.
struct FakeCollection: Sendable {
    private var order: [String] = []
    private var items: [String: JSONObject] = [:]
    /// Each object's lower-cased `name` and `description` as UTF-8, kept for ``matching(_:)``.
    private var searchable: [String: (name: [UInt8], description: [UInt8])] = [:]

    subscript(id: String) -> JSONObject? { items[id] }

    mutating func set(_ id: String, _ object: JSONObject) {
        if items[id] == nil { order.append(id) }
        items[id] = object
        searchable[id] = (
            Array((object["name"]?.stringValue ?? "").lowercased().utf8),
            Array((object["description"]?.stringValue ?? "").lowercased().utf8)
        )
    }

    mutating func remove(_ id: String) -> Bool {
        guard items.removeValue(forKey: id) != nil else { return false }
        searchable[id] = nil
        order.removeAll { $0 == id }
        return true
    }

    /// The objects, in order, whose lower-cased name or description contains `text` (already lower-cased).
    ///
    /// A byte search over texts lower-cased once, when the object was stored: the fake answers a bulk upload's
    /// look-up before every create, and lower-casing every description per request made the fake, not CardKit, the
    /// bottleneck of `Benchmarks/upload` (55% of its time in `CFStringFind`).
    func matching(_ text: String) -> [JSONObject] {
        order.compactMap { id in
            guard let texts = searchable[id],
                ByteSearch.contains(texts.name, text) || ByteSearch.contains(texts.description, text)
            else { return nil }
            return items[id]
        }
    }

    var all: [JSONObject] { order.compactMap { items[$0] } }
}
