/// The inputs of a merge that have a record waiting, ordered by that record's time and, on a tie,
/// by input (the one given earlier first, so that a merge is deterministic): a binary heap, so
/// that each record of a merge of n inputs costs about log2(n) comparisons, not n.
struct MergeOrder {
    private var entries: [(time: Int64, input: Int)] = []

    /// The input whose waiting record comes first; nil when none waits.
    var first: Int? { entries.first?.input }

    var count: Int { entries.count }

    mutating func push(_ input: Int, time: Int64) {
        entries.append((time, input))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard comesBefore(child, parent) else { return }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// The first input has a new waiting record, at `time`.
    mutating func replaceFirst(time: Int64) {
        entries[0].time = time
        siftDownFirst()
    }

    /// The first input has no record left.
    mutating func removeFirst() {
        let last = entries.removeLast()
        guard !entries.isEmpty else { return }
        entries[0] = last
        siftDownFirst()
    }

    private func comesBefore(_ a: Int, _ b: Int) -> Bool {
        entries[a].time < entries[b].time || (entries[a].time == entries[b].time && entries[a].input < entries[b].input)
    }

    private mutating func siftDownFirst() {
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            let earlier = left + 1 < entries.count && comesBefore(left + 1, left) ? left + 1 : left
            guard comesBefore(earlier, parent) else { return }
            entries.swapAt(parent, earlier)
            parent = earlier
        }
    }
}
