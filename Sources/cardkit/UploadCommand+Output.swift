#if canImport(CardKitUpload)
    import CardKitUpload
    import Foundation
    import Logging

    extension UploadCommand {
        /// A failed check, in the words of this command.
        func message(_ error: UploadSettingsError) -> String {
            switch error {
            case .unsupportedKind: error.description
            case .concurrency: "--concurrency must be between 1 and 256."
            case .rate(let rate): "--rate must be a number from 0.001 to 10000 (items per second), not \(rate)."
            case .deadline(let value): "--deadline must be a number of seconds from 0.001 to 86400, not \(value)."
            case .timeout(let value): "--timeout must be a number of seconds from 0.001 to 3600, not \(value)."
            case .maxAttempts: "--max-attempts must be between 1 and 20."
            case .baseURLNotAbsolute: "--base-url \(baseURL ?? "") is not an absolute URL."
            case .authURLNotAbsolute: "--auth-url \(authURL ?? "") is not an absolute URL."
            case .authURLNotApplicable(let refreshing):
                "--auth-url applies only to --provider \(Self.list(refreshing.map(\.name)))."
            }
        }

        /// `a`, `a or b`, `a, b or c`.
        static func list(_ names: [String]) -> String {
            names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        }

        /// 0 when everything was uploaded (or planned, or already done); 1 when some input failed, was invalid or is
        /// missing; 3 when the provider was unreachable or refused the credentials.
        static func exitCode(_ verdict: UploadVerdict) -> Int32 {
            switch verdict {
            case .succeeded: 0
            case .someFailed: ExitStatus.invalidInput
            case .providerUnavailable: providerExitCode
            }
        }

        /// A library message with the flag that would have avoided the failure or the skip, if one would.
        static func withHint(_ message: String, _ remedy: UploadRemedy?) -> String {
            guard let remedy else { return message }
            return message
                + {
                    switch remedy {
                    case .allowInsecureHTTP: " or pass --allow-insecure-http"
                    case .waitForLock: ", or pass --wait"
                    case .updateExisting: "; pass --update-existing to update it"
                    case .allowDuplicateNames: " (pass --allow-duplicate-names to create it anyway)"
                    case .allowDuplicateNamesOrUpdateExisting:
                        " (pass --allow-duplicate-names to create it anyway, or --update-existing to update it)"
                    }
                }()
        }

        /// Prints the failures on standard error, then the table (text) or one record per input.
        static func printSummary(_ summary: UploadSummary, logger: Logger, format: RecordFormat, kind: UploadKind) {
            for outcome in summary.outcomes where outcome.status == .failed || outcome.status == .invalid {
                let message = withHint(outcome.message ?? outcome.status.rawValue, outcome.remedy)
                Console.error("\(outcome.path): error: \(logger.scrub(message))")
            }
            if let reason = summary.stopReason {
                Console.error("cardkit: error: stopped: \(logger.scrub(withHint(reason.description, reason.remedy)))")
            }
            if !summary.notAttempted.isEmpty {
                Console.note(
                    "cardkit: \(summary.notAttempted.count) input(s) not attempted; re-run to resume (state: \(summary.stateFile?.path ?? ""))"
                )
            }
            let printer = RecordPrinter(format: format)
            for outcome in summary.outcomes { printer.emit(outcome.record(kind: kind)) {} }
            for path in summary.notAttempted { printer.emit(UploadSummary.notAttemptedRecord(path, kind: kind)) {} }
            if format == .text { summary.table.forEach(Console.output) }
            try? printer.finish()
        }
    }

    /// Progress on standard error: a bar redrawn in place on a terminal, one plain line per item otherwise.
    final class UploadProgressPrinter: @unchecked Sendable {
        private let isTerminal: Bool
        private let lock = NSLock()
        private var counts: [UploadOutcome.Status: Int] = [:]
        private var lastDraw = Date.distantPast

        init(isTerminal: Bool) { self.isTerminal = isTerminal }

        func update(_ event: UploadProgress) {
            lock.lock()
            defer { lock.unlock() }
            counts[event.outcome.status, default: 0] += 1
            guard isTerminal else {
                var line = "\(event.outcome.status.rawValue) \(event.outcome.path)"
                if let id = event.outcome.remoteId { line += " (\(id))" }
                if let message = event.outcome.message, event.outcome.status != .failed,
                    event.outcome.status != .invalid
                {
                    line += ": \(UploadCommand.withHint(message, event.outcome.remedy))"
                }
                Console.error(line)
                return
            }
            let now = Date()
            guard event.completed == event.total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = now
            let width = 30
            let filled = event.total == 0 ? width : width * event.completed / event.total
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let failed = (counts[.failed] ?? 0) + (counts[.invalid] ?? 0)
            FileHandle.standardError.write(
                Data("\r[\(bar)] \(event.completed)/\(event.total)  failed \(failed)\u{1B}[K".utf8))
        }

        func finish(total: Int) {
            lock.lock()
            defer { lock.unlock() }
            if isTerminal, total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
#endif
