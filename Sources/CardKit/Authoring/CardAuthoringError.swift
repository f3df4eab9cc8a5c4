package import CardKitJSON

/// Thrown when an authoring call (edit, diff, strip, unpack, pack) cannot do its work; always names the file.
package struct CardAuthoringError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    package enum Kind: String, Sendable, Hashable {
        /// The file could not be read as a card (see the reason).
        case unreadable
        /// A field name is not a card field, or a JSON Pointer is malformed.
        case unknownField = "unknown-field"
        /// A value has the wrong type for its field.
        case wrongType = "wrong-type"
        /// A required field cannot be removed.
        case requiredField = "required-field"
        /// A JSON Patch is malformed or does not apply (a failed `test` included).
        case patchFailed = "patch-failed"
        /// The container cannot be written back (YAML, a CharX appended to a JPEG) or is not the one expected.
        case unsupportedContainer = "unsupported-container"
        /// A card folder is incomplete or malformed.
        case invalidFolder = "invalid-folder"
        /// Writing failed.
        case cannotWrite = "cannot-write"
    }

    /// The file (or folder) the error is about, as the caller named it.
    package var path: String
    /// The class of failure.
    package var kind: Kind
    /// The JSON Pointer into the V3 card the error is about, when there is one.
    package var pointer: JSONPointer?
    /// Why, in words.
    package var reason: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - kind: The class of failure.
    ///   - pointer: Where in the card.
    ///   - reason: Why.
    package init(path: String, kind: Kind, pointer: JSONPointer? = nil, reason: String) {
        self.path = path
        self.kind = kind
        self.pointer = pointer
        self.reason = reason
    }

    /// Wraps a loading error.
    ///
    /// - Parameter error: The loader's error.
    package init(_ error: CardFileError) {
        self.init(path: error.path, kind: .unreadable, reason: error.reason)
    }

    /// `PATH: error: POINTER: REASON` (the pointer only when there is one).
    package var description: String {
        if let pointer { return "\(path): error: \(pointer.displayString): \(reason)" }
        return "\(path): error: \(reason)"
    }
}
