package dev.komsu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** {@link HugePages#allocate} gives what {@link FloatMatrix#allocate} gives: zeros, owned, writable, freed on close. */
class HugePagesTest {
    @Test
    void aLargeMatrixIsZeroFilledWritableAndFreedOnClose() {
        FloatMatrix m = HugePages.allocate(4097, 1023); // 16 MB, not a multiple of 2 MB
        try (m) {
            assertEquals(4097, m.rows());
            assertEquals(1023, m.cols());
            assertTrue(m.ownsMemory());
            MemorySegment s = m.segment();
            assertEquals(4097L * 1023 * Float.BYTES, s.byteSize());
            for (long i = 0; i < s.byteSize() / Float.BYTES; i += 997) assertEquals(0f, s.getAtIndex(ValueLayout.JAVA_FLOAT, i));
            for (long i = 0; i < s.byteSize() / Float.BYTES; i += 997) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
            for (long i = 0; i < s.byteSize() / Float.BYTES; i += 997) assertEquals(i, s.getAtIndex(ValueLayout.JAVA_FLOAT, i));
            s.setAtIndex(ValueLayout.JAVA_FLOAT, s.byteSize() / Float.BYTES - 1, 7f);
        }
        assertFalse(m.segment().scope().isAlive());
    }

    @Test
    void aSmallMatrixIsAPlainOne() {
        try (FloatMatrix m = HugePages.allocate(3, 5)) {
            assertEquals(15 * Float.BYTES, m.segment().byteSize());
            assertTrue(m.ownsMemory());
        }
    }
}
