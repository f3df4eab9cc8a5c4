import Dispatch
import Foundation

/// Runs one job per input on several threads and hands the results back in input order.
///
/// The inputs are taken a window at a time (eight per thread): every job of a window runs, spread over `jobs`
/// threads, then the window's results are handed to `emit` one by one, in input order, on the calling thread,
/// while the next window is worked on. So what a batch prints, writes and exits with is exactly what one job
/// gives, and at most two windows of results are held at once, whatever the number of inputs. The jobs must be
/// independent (reading and converting a card is; writing its output belongs in `emit`).
package enum OrderedParallel {
    /// The default number of jobs: the machine's active processor count.
    package static var defaultJobs: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs `work` over `items` on up to `jobs` threads; `emit` gets each item and its result in order.
    ///
    /// - Parameters:
    ///   - items: The inputs.
    ///   - jobs: How many threads may run `work` at once; 1 runs everything on the calling thread.
    ///   - work: The independent part of one item's job.
    ///   - emit: What follows in order: writing, printing, counting.
    /// - Throws: What `emit` throws; the remaining items are not emitted.
    package static func forEach<Item: Sendable, Output: Sendable>(
        _ items: [Item], jobs: Int, work: @escaping @Sendable (Item) -> Output, emit: (Item, Output) throws -> Void
    ) rethrows {
        guard jobs > 1, items.count > 1 else {
            for item in items { try emit(item, work(item)) }
            return
        }
        let window = jobs * 8
        /// Runs the jobs of one window on `jobs` threads, filling its slots.
        @Sendable func compute(_ slice: [Item], into results: ResultSlots<Output>) {
            let threads = min(jobs, slice.count)
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                var index = thread
                while index < slice.count {
                    results.store(work(slice[index]), at: index)
                    index += threads
                }
            }
        }
        var slice = Array(items[0..<min(window, items.count)])
        var results = ResultSlots<Output>(count: slice.count)
        compute(slice, into: results)
        var start = slice.count
        while !slice.isEmpty {
            // The next window is worked on while this one is emitted, so writing overlaps the work.
            let nextSlice = Array(items[start..<min(start + window, items.count)])
            let nextResults = ResultSlots<Output>(count: nextSlice.count)
            let group = DispatchGroup()
            if !nextSlice.isEmpty {
                DispatchQueue.global().async(group: group) { compute(nextSlice, into: nextResults) }
            }
            defer { group.wait() }  // also when `emit` throws: no job outlives the call
            for (index, item) in slice.enumerated() { try emit(item, results.take(at: index)) }
            start += nextSlice.count
            slice = nextSlice
            results = nextResults
        }
    }
}

/// One slot per item of a window, each written by exactly one thread before any is read (internal).
private final class ResultSlots<Output>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Output?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    /// Stores a result; each index is stored once, by one thread.
    func store(_ output: Output, at index: Int) { slots[index] = output }

    /// The result at `index`, once every store of the window has finished.
    func take(at index: Int) -> Output {
        guard let output = slots[index] else { preconditionFailure("no result for item \(index)") }
        slots[index] = nil
        return output
    }
}
