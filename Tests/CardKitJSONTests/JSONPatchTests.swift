import CardKitJSON
import Testing

private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text).value }

/// RFC 6902 behaviour, with the RFC's own appendix A examples.
@Suite struct JSONPatchTests {
    @Test(arguments: [
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"foo":"bar","baz":"qux"}"#),
        (#"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, #"{"foo":["bar","qux","baz"]}"#),
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#, #"{"foo":"bar"}"#),
        (#"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, #"{"foo":["bar","baz"]}"#),
        (
            #"{"baz":"qux","foo":"bar"}"#, #"[{"op":"replace","path":"/baz","value":"boo"}]"#,
            #"{"baz":"boo","foo":"bar"}"#
        ),
        (
            #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
            #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
            #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#
        ),
        (
            #"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
            #"{"foo":["all","cows","eat","grass"]}"#
        ),
        (
            #"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#,
            #"{"foo":["bar",["abc","def"]]}"#
        ),
        (#"{"foo":1}"#, #"[{"op":"copy","from":"/foo","path":"/bar"}]"#, #"{"foo":1,"bar":1}"#),
        (
            #"{"baz":"qux","foo":["a",2,"c"]}"#,
            #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2.0}]"#,
            #"{"baz":"qux","foo":["a",2,"c"]}"#
        ),
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":10},{"op":"remove","path":"/~1"}]"#, #"{"~1":10}"#),
    ])
    func appliesTheRFCExamples(document: String, patch: String, expected: String) throws {
        let result = try JSONPatch(json: json(patch)).apply(to: json(document))
        #expect(result == (try json(expected)))
    }

    @Test(arguments: [
        (
            #"{"baz":"qux"}"#, #"[{"op":"test","path":"/baz","value":"bar"}]"#,
            #"patch operation 0 (test /baz): the value is "qux", not "bar""#
        ),
        (
            #"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#,
            "patch operation 0 (add /baz/bat): the parent of the path does not exist"
        ),
        (
            #"{"foo":[]}"#, #"[{"op":"add","path":"/foo/2","value":1}]"#,
            "patch operation 0 (add /foo/2): the index 2 is outside the array of 0"
        ),
        (
            #"{"foo":1}"#, #"[{"op":"replace","path":"/bar","value":1}]"#,
            "patch operation 0 (replace /bar): there is no value to replace"
        ),
        (
            #"{"foo":{"a":1}}"#, #"[{"op":"move","from":"/foo","path":"/foo/a/b"}]"#,
            "patch operation 0 (move /foo/a/b): a value cannot be moved into itself"
        ),
        (
            #"{}"#, #"[{"op":"frob","path":"/a"}]"#,
            "patch operation 0: unknown operation `frob` (add, remove, replace, move, copy or test)"
        ),
        (
            #"{}"#, #"[{"op":"add","path":"a","value":1}]"#,
            #"patch operation 0: `path` "a" is not a JSON Pointer (it must be empty or start with /)"#
        ),
        (#"{}"#, #"{"op":"add"}"#, "invalid JSON Patch: a JSON Patch is an array of operations, found object"),
    ])
    func failuresNameTheOperation(document: String, patch: String, message: String) throws {
        #expect {
            try JSONPatch(json: json(patch)).apply(to: json(document))
        } throws: { error in
            (error as? JSONPatchError)?.description == message
        }
    }

    @Test func aFailedOperationLeavesNothingApplied() throws {
        let document = try json(#"{"a":1}"#)
        let patch = try JSONPatch(
            json: json(#"[{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":3}]"#))
        #expect(throws: JSONPatchError.self) { try patch.apply(to: document) }
        #expect(document == (try json(#"{"a":1}"#)))
    }

    @Test func writesItselfBackAsRFCJSON() throws {
        let text =
            #"[{"op":"add","path":"/a~1b","value":1},{"op":"move","path":"/c","from":"/d"},{"op":"remove","path":"/e"}]"#
        let patch = try JSONPatch(json: json(text))
        #expect(JSONWriter.string(patch.json) == text)
    }
}
