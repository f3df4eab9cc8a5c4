import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with `100 Continue`, so that a client holding back a body for the server's go-ahead
/// sends it at once.
///
/// curl, and many other HTTP clients, send that header with every body over 1 MiB (most PNG cards with a portrait)
/// and then wait up to a second for the interim response before sending the body anyway; NIO does not answer it
/// itself. Without this handler, every large `POST /api/v1/validate` or `convert` took a second longer than its work.
///
/// A body announced as larger than the limit gets no `100 Continue`: the request goes on to the routes, which answer
/// 413 without reading it, and the client never has to send it.
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let maxBodyBytes: Int

    /// - Parameter maxBodyBytes: The largest body the server accepts.
    init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(var request) = unwrapInboundIn(data),
            let expectation = request.headerFields[.expect], expectation.lowercased() == "100-continue"
        {
            let announced = request.headerFields[.contentLength].flatMap { Int($0) } ?? 0
            if announced <= maxBodyBytes {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
            // The expectation is met (or is answered by the final response): the routes need not see it.
            request.headerFields[.expect] = nil
            context.fireChannelRead(wrapInboundOut(.head(request)))
            return
        }
        context.fireChannelRead(data)
    }
}
