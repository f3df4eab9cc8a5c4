import Testing

@testable import JSONSchema

/// The fast paths of reference resolution give what RFC 3986 section 5.2 gives.
@Suite struct URIReferenceTests {
    /// RFC 3986 section 5.4 examples against `http://a/b/c/d;p?q`, plus same-document and absolute references.
    @Test(arguments: [
        ("g", "http://a/b/c/g"),
        ("./g", "http://a/b/c/g"),
        ("../g", "http://a/b/g"),
        ("../../g", "http://a/g"),
        ("/./g", "http://a/g"),
        ("g.", "http://a/b/c/g."),
        ("..g", "http://a/b/c/..g"),
        ("#s", "http://a/b/c/d;p?q#s"),
        ("", "http://a/b/c/d;p?q"),
        ("?y", "http://a/b/c/d;p?y"),
        ("g:h", "g:h"),
        ("https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema"),
        ("http://localhost:1234/draft2020-12/integer.json", "http://localhost:1234/draft2020-12/integer.json"),
        ("http://x.org/a/./b/../c.json#/$defs/x", "http://x.org/a/c.json#/$defs/x"),
        ("urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed#foo", "urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed#foo"),
    ])
    func resolvesLikeTheRFC(reference: String, expected: String) {
        #expect(URIReference.resolve(reference, against: "http://a/b/c/d;p?q") == expected)
    }

    @Test func sameDocumentReferenceReplacesTheFragment() {
        #expect(URIReference.resolve("#/$defs/a", against: "http://x.org/s.json#old") == "http://x.org/s.json#/$defs/a")
        #expect(URIReference.resolve("", against: "http://x.org/s.json#old") == "http://x.org/s.json")
    }

    @Test func dotSegmentsAreFoundOnlyAsWholeSegments() {
        #expect(URIReference.hasDotSegments("/a/./b"))
        #expect(URIReference.hasDotSegments("/a/.."))
        #expect(URIReference.hasDotSegments("../a"))
        #expect(!URIReference.hasDotSegments("/draft2020-12/foo.json"))
        #expect(!URIReference.hasDotSegments("/a/..b/.c"))
    }

    @Test func fragmentsArePercentDecodedOnlyWhenEscaped() {
        #expect(URIReference.split("http://x.org/s.json#/%24defs/a%25b") == ("http://x.org/s.json", "/$defs/a%b"))
        #expect(URIReference.split("http://x.org/s.json#/$defs/a") == ("http://x.org/s.json", "/$defs/a"))
        #expect(URIReference.split("http://x.org/s.json") == ("http://x.org/s.json", ""))
    }
}
