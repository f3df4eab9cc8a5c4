import CardKitJSON
import Foundation
import Hummingbird

/// The fault stage (providers.md §7.4), which every API request passes before its route; debug routes skip it.
///
/// In order: the configured latency; then the first queued scripted fault that matches (method and path prefix),
/// which may also drop the connection before or after the request is applied; then, except on the auth host, the
/// per-second rate limit (429 with `Retry-After` and the platform's body hint); then a random fault from the mix at
/// `failRate`.
struct FakeFaultMiddleware: RouterMiddleware {
    typealias Context = FakeRequestContext
    let store: FakeProviderStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // The body arrives in full before any fault, so a drop never cuts an upload short.
        var request = request
        _ = try await request.collectBody(upTo: context.maxUploadSize)
        let fake = FakeRequest(head: request, context: context)
        if FakeProvider(fake) == .debug { return try await next(request, context) }
        let latency = await store.configuration.latency
        if latency > .zero { try await Task.sleep(for: latency) }
        let (admission, delay) = await store.admit(fake)
        if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
        switch admission {
        case .proceed:
            return try await next(request, context)
        case .reply(let reply):
            return reply.httpResponse
        case .dropBefore:
            try await Self.drop(context)
        case .dropAfter:
            _ = try await next(request, context)
            try await Self.drop(context)
        }
    }

    /// Closes the connection without an answer, as a crashed proxy or a network loss would.
    static func drop(_ context: Context) async throws -> Never {
        try? await context.channel.close(mode: .all)
        throw FakeProviderError(message: "connection dropped on purpose")
    }
}

/// What the server does with a request after the fault stage.
enum FakeAdmission: Sendable {
    case proceed
    case reply(FakeReply)
    case dropBefore
    case dropAfter
}

extension FakeProviderStore {
    /// Decides whether the request is answered normally, with a scripted or injected fault, or dropped; the second
    /// value is a delay in milliseconds to wait first.
    func admit(_ request: FakeRequest) -> (FakeAdmission, Int) {
        requestCount += 1
        let provider = FakeProvider(request)
        if let index = scripted.firstIndex(where: { fault in
            (fault.method.map { $0.uppercased() == request.method } ?? true)
                && (fault.pathPrefix.map { request.path.hasPrefix($0) } ?? true)
        }) {
            let fault = scripted.remove(at: index)
            injected["scripted", default: 0] += 1
            switch fault.drop {
            case "before": return (.dropBefore, fault.delayMilliseconds)
            case "after": return (.dropAfter, fault.delayMilliseconds)
            default: break
            }
            var reply =
                fault.body.map { body -> FakeReply in
                    let isJSON = (try? JSONParser.parse(Array(body.utf8))) != nil
                    return FakeReply(
                        status: fault.status, headers: [("Content-Type", isJSON ? "application/json" : "text/plain")],
                        body: Array(body.utf8))
                } ?? provider.errorReply(status: fault.status, retryAfterBody: nil)
            reply.status = fault.status
            for (name, value) in fault.headers.sorted(by: { $0.key < $1.key }) { reply.headers.append((name, value)) }
            return (.reply(reply), fault.delayMilliseconds)
        }
        // The token endpoint lives on the auth host (providers.md §2.1), apart from the API: its rate limit and the
        // random faults do not apply to it; scripted faults do.
        if provider == .kinde { return (.proceed, 0) }
        if let reply = rateLimited(provider) { return (.reply(reply), 0) }
        if configuration.failRate > 0, !configuration.faultMix.isEmpty,
            Double.random(in: 0..<1, using: &random) < configuration.failRate
        {
            let fault = configuration.faultMix.randomElement(using: &random) ?? .serverError
            injected[fault.rawValue, default: 0] += 1
            return injectedFault(fault, provider)
        }
        return (.proceed, 0)
    }

    /// The 429 for a request over `rateLimit` in the current one-second window, with `Retry-After` and the body hint
    /// set to the seconds left in the window.
    private func rateLimited(_ provider: FakeProvider) -> FakeReply? {
        guard let limit = configuration.rateLimit, limit > 0 else { return nil }
        let now = ContinuousClock.now
        if now - rateWindowStart >= .seconds(1) {
            rateWindowStart = now
            rateWindowCount = 0
        }
        rateWindowCount += 1
        guard rateWindowCount > limit else { return nil }
        injected["rate-limit", default: 0] += 1
        let remaining = .seconds(1) - (now - rateWindowStart)
        let seconds = max(
            1,
            Int(
                (Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18)
                    .rounded(.up)))
        var reply = provider.errorReply(status: 429, retryAfterBody: seconds)
        reply.headers.append(("Retry-After", String(seconds)))
        return reply
    }

    private func injectedFault(_ fault: FakeFault, _ provider: FakeProvider) -> (FakeAdmission, Int) {
        let retryAfter = configuration.retryAfterSeconds
        switch fault {
        case .rateLimitedRetryAfter:
            var reply = provider.errorReply(status: 429, retryAfterBody: nil)
            reply.headers.append(("Retry-After", String(retryAfter)))
            return (.reply(reply), 0)
        case .rateLimitedHTTPDate:
            var reply = provider.errorReply(status: 429, retryAfterBody: nil)
            reply.headers.append(("Retry-After", FakeTime.httpDate(Date().addingTimeInterval(Double(retryAfter) - 5))))
            return (.reply(reply), 0)
        case .rateLimitedBodyHint:
            return (.reply(provider.errorReply(status: 429, retryAfterBody: retryAfter)), 0)
        case .rateLimitedNoHint:
            return (.reply(provider.errorReply(status: 429, retryAfterBody: nil)), 0)
        case .serverError:
            return (.reply(provider.errorReply(status: 500, retryAfterBody: nil)), 0)
        case .badGateway:
            return (.reply(FakeReply.text(502, "Bad Gateway")), 0)
        case .unavailable:
            var reply = provider.errorReply(status: 503, retryAfterBody: nil)
            reply.headers.append(("Retry-After", String(retryAfter)))
            return (.reply(reply), 0)
        case .dropBeforeApplying:
            return (.dropBefore, 0)
        case .dropAfterApplying:
            return (.dropAfter, 0)
        }
    }

    /// Queues scripted answers for the next matching API requests.
    func queue(_ faults: [FakeScriptedFault]) -> Int {
        scripted.append(contentsOf: faults)
        return scripted.count
    }
}

/// SplitMix64: a small seeded generator so fault injection is reproducible.
struct FakeRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
