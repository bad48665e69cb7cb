import Dispatch
import Synchronization

/// Reads a stream (standard input, a gzip or zstd file) ahead on a thread of its own, into a
/// few fixed blocks, while the reader goes on with the records before: inflating a compressed
/// capture then costs the reading thread a copy, not the codec's time. Each block holds what
/// one read of the stream gave, so bytes from a slow pipe are handed on as they come.
final class StreamPrefetch {
    let name: String
    let compression: ByteSource.Compression
    private let ahead: ReadAhead
    /// The block being read (a count of blocks since the start), and how far.
    private var sequence = 0
    private var holding = false
    private var position = 0
    private var ended = false

    /// Known once `read` returned 0: the stream ended inside a gzip member or zstd frame.
    var wasCut: Bool { ended && ahead.cut }

    init(_ stream: InputStream) {
        name = stream.name
        compression = stream.compression
        let ahead = ReadAhead(stream: stream)
        self.ahead = ahead
        runOnThreadOfItsOwn(named: "hairpin-stream") { ahead.run() }
    }

    deinit {
        if holding { ahead.free.signal() }
        ahead.stop()
    }

    /// Writes up to `capacity` bytes of the stream; returns 0 only at its end.
    func read(into destination: UnsafeMutableRawPointer, capacity: Int) throws(CaptureError) -> Int {
        while !ended {
            if !holding {
                ahead.filled.wait()
                holding = true
                position = 0
            }
            let slot = sequence % ReadAhead.blockCount
            let count = ahead.counts[slot]
            if position < count {
                let taken = min(capacity, count - position)
                destination.copyMemory(from: ahead.blocks + slot * ReadAhead.blockSize + position, byteCount: taken)
                position += taken
                return taken
            }
            // The block is used up: what ended the stream there comes after its bytes.
            if let failure = ahead.failures[slot] {
                ended = true
                throw failure
            }
            if ahead.ends[slot] {
                ended = true
                break
            }
            holding = false
            sequence += 1
            ahead.free.signal()
        }
        return 0
    }

    /// The reading thread's side: blocks, what each holds, and the two counts that pace it.
    private final class ReadAhead: @unchecked Sendable {
        static let blockCount = 4
        static let blockSize = 1 << 20
        let blocks = UnsafeMutableRawPointer.allocate(byteCount: blockCount * blockSize, alignment: 64)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: blockCount)
        let ends = UnsafeMutablePointer<Bool>.allocate(capacity: blockCount)
        let failures = UnsafeMutablePointer<CaptureError?>.allocate(capacity: blockCount)
        /// Blocks free to fill, and blocks filled and not yet taken. Both start at zero: a
        /// semaphore must not be released holding less than it started with, and these stop
        /// anywhere (`free` is signalled once per block in `init`).
        let free = DispatchSemaphore(value: 0)
        let filled = DispatchSemaphore(value: 0)
        private let stopped = Atomic<Bool>(false)
        private let stream: InputStream
        /// Written with the last block, before `filled` is signalled for it.
        private(set) var cut = false

        init(stream: InputStream) {
            self.stream = stream
            counts.initialize(repeating: 0, count: Self.blockCount)
            ends.initialize(repeating: false, count: Self.blockCount)
            failures.initialize(repeating: nil, count: Self.blockCount)
            for _ in 0..<Self.blockCount { free.signal() }
        }

        deinit {
            blocks.deallocate()
            counts.deallocate()
            ends.deallocate()
            failures.deinitialize(count: Self.blockCount)
            failures.deallocate()
        }

        /// Tells the thread to end: the reader was let go before the stream's end.
        func stop() {
            stopped.store(true, ordering: .sequentiallyConsistent)
            free.signal()
        }

        func run() {
            var sequence = 0
            var offset: Int64 = 0
            while true {
                free.wait()
                if stopped.load(ordering: .sequentiallyConsistent) { return }
                let slot = sequence % Self.blockCount
                var count = 0
                var failure: CaptureError?
                do {
                    count = try stream.read(into: blocks + slot * Self.blockSize, capacity: Self.blockSize, offset: offset)
                } catch {
                    failure = error
                }
                counts[slot] = count
                failures[slot] = failure
                ends[slot] = count == 0 || failure != nil
                if count == 0 && failure == nil { cut = !stream.atFrameEnd }
                offset += Int64(count)
                // The semaphore orders these writes before the reader's reads of them.
                filled.signal()
                if ends[slot] { return }
                sequence += 1
            }
        }
    }
}
