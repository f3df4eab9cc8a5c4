import Dispatch
import Foundation

/// Runs one job per input on several threads and hands the results back in input order.
///
/// `jobs` worker threads each take the next input not yet taken, so a slow input (a 5,000-entry lorebook, a
/// 4096² image) holds up only its own thread while the others go on. The results are handed to `emit` one by one,
/// in input order, on the calling thread, as soon as the next one in order is ready. So what a batch prints,
/// writes and exits with is exactly what one job gives. A worker never runs more than `8 × jobs` inputs ahead of
/// the last one emitted, so at most that many results are held at once, whatever the number of inputs. The jobs
/// must be independent (reading and converting a card is; writing its output belongs in `emit`).
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
    /// - Throws: What `emit` throws; the remaining items are not emitted, and no job is running when it returns.
    package static func forEach<Item: Sendable, Output: Sendable>(
        _ items: [Item], jobs: Int, work: @escaping @Sendable (Item) -> Output, emit: (Item, Output) throws -> Void
    ) rethrows {
        guard jobs > 1, items.count > 1 else {
            for item in items { try emit(item, work(item)) }
            return
        }
        let pipeline = OrderedPipeline<Output>(count: items.count, lookAhead: jobs * 8)
        let workers = DispatchGroup()
        for _ in 0..<min(jobs, items.count) {
            // Threads of their own, not Dispatch's pool: its width is the core count, and a worker blocks when it
            // is too far ahead, so pooled workers could starve each other (or whatever else shares the pool).
            workers.enter()
            let thread = Thread {
                while let index = pipeline.claim() { pipeline.store(work(items[index]), at: index) }
                workers.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        defer {  // also when `emit` throws: no job outlives the call
            pipeline.cancel()
            workers.wait()
        }
        for (index, item) in items.enumerated() { try emit(item, pipeline.take(at: index)) }
    }
}

/// The shared state of one ``OrderedParallel/forEach(_:jobs:work:emit:)`` run: which input is taken next, and a
/// ring of result slots that the workers fill and the emitting thread empties in order (internal).
private final class OrderedPipeline<Output>: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private let lookAhead: Int
    /// Guarded by `condition`.
    private var slots: [Output?]
    private var nextToClaim = 0
    private var emitted = 0
    private var cancelled = false

    init(count: Int, lookAhead: Int) {
        self.count = count
        self.lookAhead = lookAhead
        slots = Array(repeating: nil, count: min(count, lookAhead))
    }

    /// The next input to work on, once it is within `lookAhead` of the last one emitted; nil when none is left.
    func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled, nextToClaim < count, nextToClaim >= emitted + lookAhead { condition.wait() }
        guard !cancelled, nextToClaim < count else { return nil }
        defer { nextToClaim += 1 }
        return nextToClaim
    }

    /// Stores the result of the input at `index`, which this thread claimed.
    func store(_ output: Output, at index: Int) {
        condition.lock()
        slots[index % slots.count] = output
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the result of the input at `index` (the next one in order) and takes it out of its slot.
    func take(at index: Int) -> Output {
        condition.lock()
        defer { condition.unlock() }
        let slot = index % slots.count
        while true {
            if let output = slots[slot] {
                slots[slot] = nil
                emitted = index + 1
                condition.broadcast()
                return output
            }
            condition.wait()
        }
    }

    /// Stops handing out inputs; the workers finish the one they hold and return.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
