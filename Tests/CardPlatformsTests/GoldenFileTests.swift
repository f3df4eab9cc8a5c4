import CardKit
import CardKitTestSupport
import Foundation
import Testing

/// Each platform's output and loss report for two sample cards, compared byte for byte with
/// `Fixtures/<sample>.<platform>.json` and `Fixtures/<sample>.<platform>.report.json`
/// (`RECORD_SNAPSHOTS=1` re-records them and fails).
@Suite struct GoldenFileTests {
    static let cases: [(String, Platform)] = ["v2-archivist-with-lorebook", "v3-cartographer-with-assets"].flatMap {
        name in
        Platform.allCases.map { (name, $0) }
    }

    @Test(arguments: cases)
    func outputMatchesGoldenFile(sample: String, platform: Platform) throws {
        let card = try PlatformTestSupport.sample("\(sample).json")
        let result = PlatformConverter.convert(card, to: platform)
        try PlatformTestSupport.assertGolden(
            JSONWriter.bytes(result.output, style: .pretty) + [0x0A], named: "\(sample).\(platform.rawValue).json")
        try PlatformTestSupport.assertGolden(
            JSONWriter.bytes(result.report.jsonValue, style: .pretty) + [0x0A],
            named: "\(sample).\(platform.rawValue).report.json")
    }
}
