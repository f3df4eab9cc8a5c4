/// A stack that the parser fills with finished values and empties by moving its top elements into a new array.
///
/// It holds the members of every container still open, innermost last, so each array or object is built once, at
/// its exact size, when it closes: no per-container growth, and no retain or release for the hand-over, since the
/// elements are moved rather than copied. (A Swift `Array` cannot give up its last elements without destroying
/// them, hence the manual buffer.)
final class JSONBuildStack<Element> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// How many elements the stack holds.
    private(set) var count = 0

    /// Creates an empty stack with room for `capacity` elements before it first grows.
    init(capacity: Int = 256) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Pushes an element.
    func append(_ element: consuming Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    /// The element at `index` (below ``count``).
    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "JSONBuildStack index out of range")
            return base[index]
        }
        set {
            precondition(index >= 0 && index < count, "JSONBuildStack index out of range")
            base[index] = newValue
        }
    }

    /// Moves the elements from `start` to the top into a new array, in order, and drops them from the stack.
    func popArray(from start: Int) -> [Element] {
        precondition(start >= 0 && start <= count, "JSONBuildStack start out of range")
        let moved = count - start
        guard moved > 0 else { return [] }
        let array = [Element](unsafeUninitializedCapacity: moved) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: base + start, count: moved)
            initialized = moved
        }
        count = start
        return array
    }

    private func grow() {
        let newCapacity = capacity * 2
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
