package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelAgreementTest {
    @Test
    void laterBackendsAreComparedWithTheFirstPerSetting() {
        LabelAgreement a = new LabelAgreement(2);
        a.record("IVF4,Flat", "nprobe=1", 1, "cpu", new long[] {1, 2, 3, 4});
        a.record("IVF4,Flat", "nprobe=1", 1, "opencl", new long[] {1, 2, 4, 3}); // same set, other order
        a.record("IVF4,Flat", "nprobe=2", 1, "cpu", new long[] {1, 2, 3, 4});
        a.record("IVF4,Flat", "nprobe=2", 1, "opencl", new long[] {1, 2, 3, 4});
        a.record("Flat", "-", 1, "cpu", new long[] {5, 6, 7, 8}); // one backend only: nothing to compare
        List<LabelAgreement.Result> r = a.results();
        assertEquals(2, r.size());
        assertEquals(new LabelAgreement.Result("IVF4,Flat", "nprobe=1", 1, "opencl", "cpu", 2, 1, 1.0), r.get(0));
        assertEquals(2, r.get(1).identical());
        assertTrue(r.get(0).describe().contains("1 of 2 queries identical (50.00 %)"), r.get(0).describe());
    }

    @Test
    void overlapCountsSharedLabelsAndIgnoresEmptySlots() {
        LabelAgreement a = new LabelAgreement(4);
        a.record("IVF4,Flat", "nprobe=1", 2, "cpu", new long[] {1, 2, 3, 4, 9, -1, -1, -1, -1, -1, -1, -1});
        a.record("IVF4,Flat", "nprobe=1", 2, "opencl", new long[] {1, 2, 3, 5, 9, -1, -1, -1, -1, -1, -1, -1});
        LabelAgreement.Result r = a.results().getFirst();
        assertEquals(2, r.identical()); // rows 2 and 3: the single label, and two empty rows
        assertEquals((0.75 + 1 + 1) / 3, r.overlap(), 1e-12);
    }

    @Test
    void labelsMustHoldWholeRows() {
        assertThrows(IllegalArgumentException.class, () -> new LabelAgreement(3).record("Flat", "-", 1, "cpu", new long[4]));
    }
}
