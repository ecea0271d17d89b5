package dev.komsu.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Launch sizing that needs no device: local memory of the work-group top-k. */
class DeviceSearchTest {
    @Test
    void defaultsFitEightRvcQueriesPerGroupInA48KiBGpuButNotSixteen() {
        OpenClOptions o = OpenClOptions.defaults();
        long eight = DeviceSearch.localBytes(8, 768, 8, o.workGroupSize());
        long sixteen = DeviceSearch.localBytes(16, 768, 8, o.workGroupSize());
        assertTrue(eight <= 48 << 10, "8 queries need " + eight + " bytes");
        assertTrue(sixteen > 48 << 10, "16 queries need " + sixteen + " bytes");
    }

    @Test
    void candidateBufferHoldsARoundAndTheKBest() {
        assertEquals(128, DeviceSearch.candidateCapacity(8, 128));
        assertEquals(1024, DeviceSearch.candidateCapacity(1024, 64));
        assertEquals(64, DeviceSearch.candidateCapacity(1, 40)); // a 40-wide group still gets a power of two
    }

    @Test
    void kRoundsUpToAPowerOfTwo() {
        assertEquals(1, DeviceSearch.pow2AtLeast(1));
        assertEquals(8, DeviceSearch.pow2AtLeast(5));
        assertEquals(1024, DeviceSearch.pow2AtLeast(1024));
        assertEquals(2048, DeviceSearch.pow2AtLeast(1025));
    }
}
