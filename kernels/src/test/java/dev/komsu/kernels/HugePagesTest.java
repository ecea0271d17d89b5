package dev.komsu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** {@link HugePages} is advice only: contents survive it, and what it cannot do it declines. */
class HugePagesTest {
    @Test
    void collapsingKeepsTheBufferContents() {
        try (FloatMatrix m = FloatMatrix.allocate(4096, 1024)) { // 16 MB
            MemorySegment s = m.segment();
            for (long i = 0; i < s.byteSize() / Float.BYTES; i += 997) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
            HugePages.collapse(s); // true where the kernel has MADV_COLLAPSE; either way nothing else changes
            for (long i = 0; i < s.byteSize() / Float.BYTES; i += 997) assertEquals(i, s.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
    }

    @Test
    void smallOrHeapSegmentsAreLeftAlone() {
        assertFalse(HugePages.collapse(MemorySegment.ofArray(new float[1 << 22])));
        try (Arena arena = Arena.ofConfined()) {
            assertFalse(HugePages.collapse(arena.allocate(1 << 20)));
        }
    }
}
