import CardKitTestSupport
import Foundation
import JSONSchema
import Testing

/// The official JSON-Schema-Test-Suite (draft 2020-12 and draft-07), read from the shared data folder.
@Suite struct ConformanceTests {
    /// Required tests known to fail, each with the reason.
    ///
    /// Keys are `draft/file | group | test`.
    static let expectedFailures: [String: String] = [:]

    @Test(
        "Required suite file passes",
        .enabled(if: TestSuiteSupport.isAvailable, Comment(rawValue: TestSuiteSupport.skipReason)),
        arguments: TestSuiteSupport.requiredFiles)
    func requiredFilePasses(_ file: TestSuiteSupport.SuiteFile) throws {
        let outcome = try TestSuiteSupport.run(file, formatAssertion: false)
        let unexpected = outcome.failures.filter { failure in
            !Self.expectedFailures.keys.contains { failure.hasPrefix($0 + ":") }
        }
        #expect(outcome.total > 0)
        #expect(unexpected.isEmpty, "\(unexpected.count) unexpected failures:\n\(unexpected.joined(separator: "\n"))")
    }

    @Test(
        "Required suite totals per draft",
        .enabled(if: TestSuiteSupport.isAvailable, Comment(rawValue: TestSuiteSupport.skipReason)),
        arguments: TestSuiteSupport.Draft.allCases)
    func requiredTotals(_ draft: TestSuiteSupport.Draft) throws {
        var passed = 0
        var failures: [String] = []
        for file in TestSuiteSupport.files(draft) {
            let outcome = try TestSuiteSupport.run(file, formatAssertion: false)
            passed += outcome.passed
            failures += outcome.failures
        }
        let total = passed + failures.count
        print("JSON-Schema-Test-Suite \(draft) required: \(passed) passed, \(failures.count) failed, \(total) total")
        let unexpected = failures.filter { failure in
            !Self.expectedFailures.keys.contains { failure.hasPrefix($0 + ":") }
        }
        #expect(total > 900)
        #expect(unexpected.isEmpty, "\(unexpected.count) unexpected failures")
    }

    @Test(
        "Optional suite files (pass rate only)",
        .enabled(if: TestSuiteSupport.isAvailable, Comment(rawValue: TestSuiteSupport.skipReason)),
        arguments: TestSuiteSupport.Draft.allCases)
    func optionalPassRate(_ draft: TestSuiteSupport.Draft) throws {
        try report(
            TestSuiteSupport.files(draft, subfolder: "optional"), label: "\(draft) optional", formatAssertion: false)
    }

    @Test(
        "Optional format files with format assertion (pass rate only)",
        .enabled(if: TestSuiteSupport.isAvailable, Comment(rawValue: TestSuiteSupport.skipReason)),
        arguments: TestSuiteSupport.Draft.allCases)
    func formatPassRate(_ draft: TestSuiteSupport.Draft) throws {
        try report(
            TestSuiteSupport.files(draft, subfolder: "optional/format"), label: "\(draft) optional/format",
            formatAssertion: true)
    }

    private func report(_ files: [TestSuiteSupport.SuiteFile], label: String, formatAssertion: Bool) throws {
        var passed = 0
        var failures: [String] = []
        for file in files {
            let outcome = try TestSuiteSupport.run(file, formatAssertion: formatAssertion)
            passed += outcome.passed
            failures += outcome.failures
        }
        let total = passed + failures.count
        let rate = total == 0 ? 0 : Double(passed) * 100 / Double(total)
        print("JSON-Schema-Test-Suite \(label): \(passed)/\(total) passed (\(String(format: "%.1f", rate))%)")
        if ProcessInfo.processInfo.environment["CARDKIT_SHOW_OPTIONAL_FAILURES"] != nil {
            print(failures.joined(separator: "\n"))
        }
        #expect(total > 0)
    }
}
