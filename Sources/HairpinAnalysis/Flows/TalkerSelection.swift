import HairpinWire

/// The flows with the most bytes on one uplink, most first, ties in the order of their text
/// (`FlowKey.endpointsText`): the `wanted` best of every flow offered, kept as they come. A
/// flow's text is written only when its bytes equal those of a kept one it is compared with,
/// into a buffer on the stack, and made a string only when the flow is kept: a capture of a
/// million flows does not build a million strings for five lines, nor sort them (100,000 flows
/// all of one size, every one compared by text: the report 240 million instructions with a
/// string made for each, 173 million without).
struct TalkerSelection {
    let wanted: Int
    /// Best first; a text is made when first needed.
    private var kept: [(bytes: Int, key: FlowKey, text: String?)] = []

    init(wanted: Int) {
        self.wanted = wanted
        kept.reserveCapacity(max(0, wanted) + 1)
    }

    /// Offers the flow `key` with `bytes` on the uplink.
    mutating func offer(bytes: Int, key: FlowKey) {
        guard wanted > 0 else { return }
        // Most offers fall behind the last entry of a full list by their bytes alone.
        if kept.count == wanted && bytes < kept[wanted - 1].bytes { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: FlowKey.longestText) { scratch in
            // The offered flow's text in `scratch`, once written.
            var written: UnsafeBufferPointer<UInt8>?
            func text() -> UnsafeBufferPointer<UInt8> {
                if let written { return written }
                var bytes = TextBytes(scratch)
                key.writeEndpointsText(into: &bytes)
                written = UnsafeBufferPointer(rebasing: scratch[..<bytes.count])
                return written!
            }
            // Whether the offered flow goes before kept entry `index`. The texts are ASCII: their
            // bytes compare as the strings do.
            func precedes(_ index: Int) -> Bool {
                if bytes != kept[index].bytes { return bytes > kept[index].bytes }
                if kept[index].text == nil { kept[index].text = kept[index].key.endpointsText }
                return text().lexicographicallyPrecedes(kept[index].text!.utf8)
            }
            if kept.count == wanted && !precedes(wanted - 1) { return }
            var position = kept.count
            while position > 0 && precedes(position - 1) { position -= 1 }
            kept.insert((bytes, key, written.map { String(decoding: $0, as: UTF8.self) }), at: position)
            if kept.count > wanted { kept.removeLast() }
        }
    }

    /// The kept flows' texts and bytes, best first.
    func talkers() -> [(text: String, bytes: Int)] {
        kept.map { ($0.text ?? $0.key.endpointsText, $0.bytes) }
    }
}
