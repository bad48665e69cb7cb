/// The flows with the most bytes on one uplink, most first, ties in the order of their text
/// (`describe`): the `wanted` best of every flow offered, kept as they come. A flow is described
/// only when its bytes equal those of a kept one it is compared with, or when it is kept at the
/// end, so a capture of a million flows does not build a million strings for five lines, nor
/// sort them.
struct TalkerSelection {
    let wanted: Int
    /// Best first; a text is worked out when first needed.
    private var kept: [(bytes: Int, key: FlowKey, text: String?)] = []

    init(wanted: Int) {
        self.wanted = wanted
        kept.reserveCapacity(max(0, wanted) + 1)
    }

    /// Offers the flow `key` with `bytes` on the uplink.
    mutating func offer(bytes: Int, key: FlowKey, describe: (FlowKey) -> String) {
        guard wanted > 0 else { return }
        var text: String?
        // Whether the offered flow goes before kept entry `index`.
        func precedes(_ index: Int) -> Bool {
            if bytes != kept[index].bytes { return bytes > kept[index].bytes }
            if text == nil { text = describe(key) }
            if kept[index].text == nil { kept[index].text = describe(kept[index].key) }
            return text! < kept[index].text!
        }
        // Most offers fall behind the last entry of a full list: one comparison.
        if kept.count == wanted && !precedes(wanted - 1) { return }
        var position = kept.count
        while position > 0 && precedes(position - 1) { position -= 1 }
        kept.insert((bytes, key, text), at: position)
        if kept.count > wanted { kept.removeLast() }
    }

    /// The kept flows' texts and bytes, best first.
    func talkers(describe: (FlowKey) -> String) -> [(text: String, bytes: Int)] {
        kept.map { ($0.text ?? describe($0.key), $0.bytes) }
    }
}
