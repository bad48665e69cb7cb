import Dispatch
import Testing
@testable import HairpinAnalysis
import HairpinWire

/// The ring's slots prepared on one thread are the ones the ring takes on another, ready and
/// initialised, even when it asks while they are being prepared; a second take, or one with
/// nothing prepared, gets slots of its own.
@Suite struct RingSlotsTests {
    final class Box: @unchecked Sendable {
        var slots: RingSlots?
        var made: UnsafeMutableRawPointer?
        let done = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let preparing = DispatchSemaphore(value: 0)
    }

    @Test func slotsAreInitialisedAndAligned() {
        let slots = RingSlots.Prepared().take()
        #expect(slots.frames[RingSlots.capacity - 1] == 0)
        #expect(slots.packet(at: RingSlots.capacity - 1).pointee.capturedLength == 0)
        #expect(slots.summaries[RingSlots.capacity - 1].timestamp == 0)
        #expect(Int(bitPattern: slots.region) % RingSlots.alignment == 0)
        slots.deallocate()
    }

    /// A packet is initialised the first time its slot is asked for, and only then: what was
    /// decoded into it stays for the next time, and the slots never asked for stay untouched.
    @Test func packetsAreInitialisedOnceWhenFirstAskedFor() {
        let slots = RingSlots.allocate()
        #expect((0..<RingSlots.capacity / 64).allSatisfy { slots.packetsReady[$0] == 0 })
        let first = slots.packet(at: 70)
        #expect(first.pointee.linkType == .ethernet && first.pointee.capturedLength == 0)
        first.pointee.capturedLength = 1514
        #expect(slots.packet(at: 70).pointee.capturedLength == 1514)
        #expect(slots.packet(at: 70) == slots.packets + 70)
        #expect(slots.packetsReady[1] == 1 << 6)
        #expect(slots.packet(at: 71).pointee.capturedLength == 0)
        #expect(slots.packetsReady[1] == 3 << 6 && slots.packetsReady[0] == 0)
        slots.deallocate()
    }

    /// A ring that comes first allocates its own slots, and the preparation that begins late
    /// allocates none.
    @Test func takeBeforeThePreparationLeavesItNothingToDo() {
        let prepared = RingSlots.Prepared()
        let slots = prepared.take()
        prepared.prepare { Issue.record("prepared after a take"); return RingSlots.allocate() }
        slots.deallocate()
    }

    @Test func takeWaitsForThePreparationUnderWayAndGetsItsSlots() {
        let prepared = RingSlots.Prepared()
        let box = Box()
        DispatchQueue.global().async {
            prepared.prepare {
                box.preparing.signal()
                box.release.wait()
                let slots = RingSlots.allocate()
                box.made = slots.region
                return slots
            }
        }
        box.preparing.wait()
        DispatchQueue.global().async {
            box.slots = prepared.take()
            box.done.signal()
        }
        // Still being prepared: the take waits.
        #expect(box.done.wait(timeout: .now() + 0.1) == .timedOut)
        box.release.signal()
        #expect(box.done.wait(timeout: .now() + 10) == .success)
        #expect(box.slots?.region == box.made)
        // Taken once: the next take allocates slots of its own, and a second preparation does nothing.
        prepared.prepare { Issue.record("prepared twice"); return RingSlots.allocate() }
        let later = prepared.take()
        #expect(later.region != box.made)
        box.slots?.deallocate()
        later.deallocate()
    }
}
