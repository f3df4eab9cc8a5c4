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
