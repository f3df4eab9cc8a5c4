public import CardKitJSON

/// Thrown when a conversion to or from a platform cannot be done at all.
///
/// The set of cases grows with the platforms, so this is a struct with a public ``Code``
/// (in the style of AsyncHTTPClient's errors).
public struct PlatformError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// The platform has no personas (Chattr, NextChat).
        case personasNotSupported = "personas-not-supported"
        /// Importing characters from the platform is not supported.
        case importNotSupported = "import-not-supported"
        /// A platform object is not the expected shape.
        case invalidObject = "invalid-object"
    }

    /// The kind of failure.
    public var code: Code
    /// The platform concerned.
    public var platform: Platform
    /// Where in the platform object the problem is, when it is about one.
    public var pointer: JSONPointer?
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    package init(code: Code, platform: Platform, pointer: JSONPointer? = nil, message: String) {
        self.code = code
        self.platform = platform
        self.pointer = pointer
        self.message = message
    }

    /// Thrown when a persona is converted for a platform that has none.
    package static func personasNotSupported(_ platform: Platform) -> PlatformError {
        PlatformError(
            code: .personasNotSupported, platform: platform,
            message: "\(platform.displayName) has no personas; a persona cannot be converted for it")
    }

    /// Thrown when characters cannot be imported from a platform.
    package static func importNotSupported(_ platform: Platform) -> PlatformError {
        PlatformError(
            code: .importNotSupported, platform: platform,
            message: "importing \(platform.displayName) characters is not supported (only Chattr and NextChat)")
    }

    /// Thrown when a platform object has the wrong shape.
    package static func invalidObject(_ platform: Platform, at pointer: JSONPointer, _ reason: String) -> PlatformError
    {
        PlatformError(code: .invalidObject, platform: platform, pointer: pointer, message: reason)
    }

    /// The error in the `platform: pointer: error: message` form the CLI prints.
    public var description: String {
        if let pointer { return "\(platform.rawValue): \(pointer.displayString): error: \(message)" }
        return "\(platform.rawValue): error: \(message)"
    }
}
