package dev.komsu.kernels;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Backs a large off-heap buffer with 2 MB transparent huge pages where Linux allows it
 * (madvise MADV_COLLAPSE, Linux 6.1+). Why: a graph walk (HNSW) reads rows of a large base in
 * random order, and with 4 KB pages nearly every row misses the TLB (a 60000 x 784 base spans
 * 46000 pages; Zen 3's TLB holds 2048), a page walk that costs twice in a virtual machine. The
 * default THP policy here is "madvise", which faiss's malloc'd storage does not get either.
 * Advice only: where the call is missing, refused or fails, nothing changes but speed.
 */
public final class HugePages {
    private static final long HUGE = 2L << 20;
    /** Below this, a buffer spans too few huge pages to matter. */
    private static final long MIN_BYTES = 4 * HUGE;
    private static final int MADV_COLLAPSE = 25;
    private static final MethodHandle MADVISE = lookup();

    private HugePages() {
    }

    private static MethodHandle lookup() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) return null;
        try {
            Linker linker = Linker.nativeLinker();
            Optional<MemorySegment> f = linker.defaultLookup().find("madvise");
            return f.map(a -> linker.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT))).orElse(null);
        } catch (IllegalCallerException e) {
            return null; // native access denied to this module (--illegal-native-access=deny): no advice
        }
    }

    /**
     * Asks the kernel to back the whole 2 MB pages inside {@code segment} (native memory, already
     * touched) with huge pages now; returns whether it did. Costs about a copy of the buffer.
     */
    public static boolean collapse(MemorySegment segment) {
        if (MADVISE == null || !segment.isNative() || segment.byteSize() < MIN_BYTES) return false;
        long start = (segment.address() + HUGE - 1) & -HUGE;
        long end = (segment.address() + segment.byteSize()) & -HUGE;
        if (end <= start) return false;
        try {
            return (int) MADVISE.invokeExact(MemorySegment.ofAddress(start), end - start, MADV_COLLAPSE) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("madvise(MADV_COLLAPSE) on " + (end - start) + " bytes", t);
        }
    }
}
