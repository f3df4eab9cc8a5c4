public import CardKitJSON

/// The output formats of JSON Schema 2020-12, section 12.4, that the validator produces.
public enum ValidationOutputFormat: String, Sendable, Hashable {
    /// Only whether the instance is valid; evaluation stops at the first failure.
    case flag
    /// A flat list of every failed assertion, with its locations.
    ///
    /// At most ``JSONSchemaOptions/maxErrors`` are listed, then one saying that more were left out.
    case basic
}

/// One failed assertion: an output unit of the "basic" format.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// Where in the instance the failing value sits.
    public var instanceLocation: JSONPointer
    /// The keyword's location along the evaluation path, through any `$ref` (for example
    /// `/properties/data/$ref/required`).
    public var keywordLocation: JSONPointer
    /// The keyword's canonical location: the absolute URI of its schema resource with a JSON-pointer fragment.
    public var absoluteKeywordLocation: String
    /// A readable explanation, for example `required property 'name' is missing`.
    public var message: String

    /// Creates a violation.
    /// - Parameters:
    ///   - instanceLocation: The instance location.
    ///   - keywordLocation: The evaluation-path keyword location.
    ///   - absoluteKeywordLocation: The absolute keyword location.
    ///   - message: The explanation.
    package init(
        instanceLocation: JSONPointer, keywordLocation: JSONPointer, absoluteKeywordLocation: String, message: String
    ) {
        self.instanceLocation = instanceLocation
        self.keywordLocation = keywordLocation
        self.absoluteKeywordLocation = absoluteKeywordLocation
        self.message = message
    }

    /// `instanceLocation: message (keywordLocation)`, with `(root)` for the empty pointer.
    public var description: String {
        "\(instanceLocation.displayString): \(message) (at \(keywordLocation.displayString))"
    }

    /// The output unit as JSON: `valid`, `keywordLocation`, `absoluteKeywordLocation`, `instanceLocation`, `error`.
    public var jsonValue: JSONValue {
        var object = JSONObject()
        object["valid"] = .bool(false)
        object["keywordLocation"] = .string(keywordLocation.description)
        object["absoluteKeywordLocation"] = .string(absoluteKeywordLocation)
        object["instanceLocation"] = .string(instanceLocation.description)
        object["error"] = .string(message)
        return .object(object)
    }
}

/// The outcome of validating one instance.
public struct ValidationResult: Sendable, Hashable {
    /// Whether the instance is valid.
    public var isValid: Bool
    /// The failed assertions, in evaluation order.
    ///
    /// Empty for the ``ValidationOutputFormat/flag`` format.
    public var errors: [SchemaViolation]
    /// The format the result was produced in.
    public var format: ValidationOutputFormat

    /// Creates a result.
    /// - Parameters:
    ///   - isValid: Whether the instance is valid.
    ///   - errors: The failed assertions.
    ///   - format: The output format.
    package init(isValid: Bool, errors: [SchemaViolation], format: ValidationOutputFormat) {
        self.isValid = isValid
        self.errors = errors
        self.format = format
    }

    /// The result as JSON in its format: `{"valid": …}` for flag, `{"valid": …, "errors": […]}` for basic
    /// (the `errors` member is left out when the instance is valid).
    public var jsonValue: JSONValue {
        var object = JSONObject()
        object["valid"] = .bool(isValid)
        if format == .basic, !isValid {
            object["errors"] = .array(errors.map(\.jsonValue))
        }
        return .object(object)
    }
}
