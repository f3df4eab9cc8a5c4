import CardKitJSON
import CardKitUpload
import Foundation
import Testing

/// The state file's group commit and its indexes: what concurrent appends leave on disk, and the look-ups the
/// engine makes per item, before and after a record is superseded and after the file is opened again.
@Suite struct UploadStateFileTests {
    private func record(
        _ key: String, _ state: UploadStateRecord.State, hash: String = "sha256:aa", remoteId: String? = nil
    ) -> UploadStateRecord {
        UploadStateRecord(
            key: key, contentHash: hash, kind: "character", provider: "nextchat", state: state, name: key,
            remoteId: remoteId, updatedAt: "2026-12-03T00:00:00Z")
    }

    /// The record time is what `ISO8601DateFormatter` writes, over the range of times a record can carry.
    @Test(arguments: [0, 951_782_400, 1_709_164_799, 1_796_290_343, 4_102_444_799])
    func timestampsAreThoseOfISO8601DateFormatter(seconds: Int) {
        let expected = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        #expect(UploadStateRecord.timestamp(secondsSince1970: seconds) == expected)
    }

    @Test(arguments: [1, 8, 64])
    func concurrentAppendsAreAllOnDiskWhenTheyReturn(concurrency: Int) async throws {
        let url = try UploadTestSupport.temporaryDirectory().appendingPathComponent("state.jsonl")
        let file = try UploadStateFile(url: url)
        let total = 400
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var index = worker
                    while index < total {
                        try await file.append(self.record("k\(index)", .intent))
                        try await file.append(self.record("k\(index)", .done, remoteId: "r\(index)"))
                        index += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
        // Every line whole, two per key, each key's `intent` before its `done`.
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 * total)
        var seen: [String: [String]] = [:]
        for line in lines {
            let value = try JSONParser.parse(Array(line.utf8)).value
            seen[value["key"]?.stringValue ?? "", default: []].append(value["state"]?.stringValue ?? "")
        }
        #expect(seen.count == total)
        #expect(seen.values.allSatisfy { $0 == ["intent", "done"] })
        #expect(await file.record(for: "k399")?.remoteId == "r399")
    }

    @Test func theIndexesFollowTheLastRecordOfEachKeyAndSurviveAReopen() async throws {
        let url = try UploadTestSupport.temporaryDirectory().appendingPathComponent("state.jsonl")
        do {
            let file = try UploadStateFile(url: url)
            try await file.append(record("/a", .done, hash: "sha256:11", remoteId: "X"))
            try await file.append(record("/b", .done, hash: "sha256:11", remoteId: "Y"))
            try await file.append(record("/c", .intent, hash: "sha256:11"))
            #expect(await file.doneRecord(contentHash: "sha256:11", kind: "character", excluding: "/c")?.key == "/a")
            #expect(await file.doneRecord(contentHash: "sha256:11", kind: "character", excluding: "/a")?.key == "/b")
            #expect(await file.doneRecord(contentHash: "sha256:11", kind: "persona", excluding: "/c") == nil)
            #expect(
                await file.claimedRemoteIds(among: ["X", "Y", "Z"], excluding: "/c", kind: "character") == ["X", "Y"])
            #expect(await file.claimedRemoteIds(among: ["X", "Y"], excluding: "/a", kind: "character") == ["Y"])
            #expect(await file.claimedRemoteIds(among: ["X"], excluding: "/c", kind: "persona") == [])
            // /a is uploaded again as another object with other content: X is no longer claimed, 22 has a twin.
            try await file.append(record("/a", .done, hash: "sha256:22", remoteId: "Z"))
        }
        let reopened = try UploadStateFile(url: url)
        #expect(
            await reopened.claimedRemoteIds(among: ["X", "Y", "Z"], excluding: "/c", kind: "character") == ["Y", "Z"])
        #expect(await reopened.doneRecord(contentHash: "sha256:11", kind: "character", excluding: "/c")?.key == "/b")
        #expect(await reopened.doneRecord(contentHash: "sha256:22", kind: "character", excluding: "/c")?.key == "/a")
        // A key that falls back to `failed` claims nothing any more.
        try await reopened.append(record("/b", .failed, hash: "sha256:11"))
        #expect(await reopened.claimedRemoteIds(among: ["Y"], excluding: "/c", kind: "character") == [])
        #expect(await reopened.doneRecord(contentHash: "sha256:11", kind: "character", excluding: "/c") == nil)
    }
}
