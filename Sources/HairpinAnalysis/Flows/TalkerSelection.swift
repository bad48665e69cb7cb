import HairpinWire

/// The flows with the most bytes on one uplink, most first, ties in the order of their text
/// (`FlowKey.endpointsText`): the `wanted` best of every flow offered, kept as they come. A
/// flow's text is written only when its bytes equal those of a kept one it is compared with,
/// into a buffer on the stack, and made a string only when the flow is kept: a capture of a
/// million flows does not build a million strings for five lines, nor sort them (100,000 flows
/// all of one size, every one compared by text: the report 240 million instructions with a
/// string made for each, 145 million without).
struct TalkerSelection {
    let wanted: Int
    private typealias Entry = (bytes: Int, key: FlowKey, text: String?)
    /// Best first; a text is made when first needed.
    private var kept: [Entry] = []

    init(wanted: Int) {
        self.wanted = wanted
        kept.reserveCapacity(max(0, wanted) + 1)
    }

    /// Offers the flow `key` with `bytes` on the uplink. `scratch`: room for a flow's text
    /// (`FlowKey.longestText` bytes), lent by the caller for every offer (a buffer of the offer's
    /// own, made in a closure, had the kept entries' accesses checked at run time).
    mutating func offer(bytes: Int, key: FlowKey, scratch: UnsafeMutableBufferPointer<UInt8>) {
        guard wanted > 0 else { return }
        // Most offers fall behind the last entry of a full list by their bytes alone.
        if kept.count == wanted && bytes < kept[wanted - 1].bytes { return }
        // The offered flow's text in `scratch`, once written. Passed to a static function, not
        // captured by a local one: a captured variable was checked for exclusivity at run time.
        var written: UnsafeBufferPointer<UInt8>?
        if kept.count == wanted && !Self.precedes(bytes, key, &written, scratch, &kept[wanted - 1]) { return }
        var position = kept.count
        while position > 0 && Self.precedes(bytes, key, &written, scratch, &kept[position - 1]) { position -= 1 }
        kept.insert((bytes, key, written.map { String(decoding: $0, as: UTF8.self) }), at: position)
        if kept.count > wanted { kept.removeLast() }
    }

    /// Whether the flow `key` with `bytes` goes before `entry`: more bytes, or as many and its text
    /// first. Its text is written into `scratch` when first needed (`written`), the entry's made
    /// then. The texts are ASCII: their bytes compare as the strings do.
    private static func precedes(_ bytes: Int, _ key: FlowKey, _ written: inout UnsafeBufferPointer<UInt8>?,
                                 _ scratch: UnsafeMutableBufferPointer<UInt8>, _ entry: inout Entry) -> Bool {
        if bytes != entry.bytes { return bytes > entry.bytes }
        if written == nil {
            var text = TextBytes(scratch)
            key.writeEndpointsText(into: &text)
            written = UnsafeBufferPointer(rebasing: scratch[..<text.count])
        }
        if entry.text == nil { entry.text = entry.key.endpointsText }
        return textPrecedes(written!, entry.text!)
    }

    /// `mine` before `theirs`, byte by byte in `theirs`'s contiguous UTF-8: through the generic
    /// `lexicographicallyPrecedes` over its UTF-8 view, each byte was taken by an index step.
    private static func textPrecedes(_ mine: UnsafeBufferPointer<UInt8>, _ theirs: String) -> Bool {
        var theirs = theirs
        return theirs.withUTF8 { other in
            for index in 0..<min(mine.count, other.count) where mine[index] != other[index] { return mine[index] < other[index] }
            return mine.count < other.count
        }
    }

    /// The kept flows' texts and bytes, best first.
    func talkers() -> [(text: String, bytes: Int)] {
        kept.map { ($0.text ?? $0.key.endpointsText, $0.bytes) }
    }
}
