import CardKit
import Foundation
import Testing

/// `OrderedParallel`: the work runs on several threads; what is emitted keeps the input order.
@Suite struct OrderedParallelTests {
    struct Stop: Error {}

    @Test(arguments: [1, 2, 3, 8]) func resultsComeBackInInputOrder(jobs: Int) {
        let items = Array(0..<1_000)
        var emitted: [Int] = []
        OrderedParallel.forEach(items, jobs: jobs, work: { $0 * $0 }) { item, square in
            #expect(square == item * item)
            emitted.append(item)
        }
        #expect(emitted == items)
    }

    @Test func anEmitThatThrowsStopsTheRest() {
        var emitted: [Int] = []
        #expect(throws: Stop.self) {
            try OrderedParallel.forEach(Array(0..<100), jobs: 4, work: { $0 }) { item, _ in
                if item == 37 { throw Stop() }
                emitted.append(item)
            }
        }
        #expect(emitted == Array(0..<37))
    }

    /// A slow input holds up only its own thread: the other goes on with the inputs after it.
    @Test func aSlowInputDoesNotHoldUpTheOtherThreads() {
        let finished = Counter()
        var finishedBeforeTheSlowOne = 0
        OrderedParallel.forEach(
            Array(0..<40), jobs: 2,
            work: { item in
                if item == 0 { Thread.sleep(forTimeInterval: 0.3) }
                return finished.increment()
            }
        ) { item, order in
            if item == 0 { finishedBeforeTheSlowOne = order }
        }
        // While item 0 sleeps, the other thread runs up to the look-ahead (8 per job) past it.
        #expect(finishedBeforeTheSlowOne == 15)
    }

    /// No worker runs more than eight inputs per job ahead of the last one emitted.
    @Test(arguments: [2, 4]) func theWorkStaysWithinTheLookAhead(jobs: Int) {
        let started = Counter()
        let emitted = Counter()
        let furthestAhead = Counter()
        OrderedParallel.forEach(
            Array(0..<500), jobs: jobs,
            work: { item in
                _ = started.increment()
                furthestAhead.raise(to: item - emitted.value)
                return item
            }
        ) { item, output in
            #expect(item == output)
            _ = emitted.increment()
        }
        #expect(started.value == 500)
        #expect(furthestAhead.value <= 8 * jobs)
        #expect(furthestAhead.value >= 1)
    }

    @Test func theWorkRunsOnMoreThanOneThreadWhenAsked() {
        let threads = ThreadSet()
        OrderedParallel.forEach(
            Array(0..<64), jobs: 2,
            work: { _ in
                threads.insert(Thread.current.description)
                Thread.sleep(forTimeInterval: 0.002)
                return 0
            }
        ) { _, _ in }
        #expect(threads.count >= 2)
    }
}

/// The threads seen, behind a lock.
private final class ThreadSet: @unchecked Sendable {
    private let lock = NSLock()
    private var names: Set<String> = []

    func insert(_ name: String) {
        lock.lock()
        names.insert(name)
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return names.count
    }
}

/// A counter behind a lock.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    /// Adds one and returns the count before.
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count - 1
    }

    /// Sets the count to `candidate` if that is more.
    func raise(to candidate: Int) {
        lock.lock()
        count = max(count, candidate)
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
