package dev.komsu.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Large matrices on 2 MB transparent huge pages where Linux gives them: anonymous memory from
 * mmap, advised MADV_HUGEPAGE before it is first touched, so the kernel faults it in huge pages
 * (this machine's THP policy is "madvise": plain malloc'd memory, faiss's included, gets 4 KB
 * pages). Why: a graph walk (HNSW) reads rows of a large base in random order, and with 4 KB
 * pages nearly every row misses the TLB (a 60000 x 784 base spans 46000 pages; Zen 3's TLB
 * holds 2048), a page walk that costs twice over in a virtual machine. Measured: a 784-d distance
 * to a random row of Fashion-MNIST, 256 ns on 4 KB pages, 224 ns on huge pages (bench/RESULTS.md).
 * Advice only: elsewhere, or where a call is refused, a plain {@link FloatMatrix#allocate}.
 *
 * <p>Only where the JVM granted this module native access ({@code --enable-native-access}, which
 * the CLI launcher and scripts/bench pass): mmap and madvise are restricted methods, and without
 * the flag their first use prints the JDK's warning in a library user's program (JEP 472). There
 * the matrix is a plain one and nothing is printed.
 */
public final class HugePages {
    /** System property: true turns huge pages off (an A/B in one JVM, or a host short of them). */
    public static final String OPT_OUT = "komsu.noHugePages";
    private static final long HUGE = 2L << 20;
    /** Below this a matrix spans too few huge pages to matter. */
    private static final long MIN_BYTES = 4 * HUGE;
    private static final int PROT_READ_WRITE = 0x3;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        MethodHandle madvise = null;
        // Asked before any restricted call: false without --enable-native-access (a call would warn).
        if (System.getProperty("os.name", "").startsWith("Linux") && HugePages.class.getModule().isNativeAccessEnabled()) {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            ValueLayout addr = ValueLayout.ADDRESS;
            ValueLayout.OfInt i32 = ValueLayout.JAVA_INT;
            ValueLayout.OfLong i64 = ValueLayout.JAVA_LONG;
            mmap = libc.find("mmap").map(f -> linker.downcallHandle(f,
                    FunctionDescriptor.of(addr, addr, i64, i32, i32, i32, i64))).orElse(null);
            munmap = libc.find("munmap").map(f -> linker.downcallHandle(f,
                    FunctionDescriptor.of(i32, addr, i64))).orElse(null);
            madvise = libc.find("madvise").map(f -> linker.downcallHandle(f,
                    FunctionDescriptor.of(i32, addr, i64, i32))).orElse(null);
        }
        boolean all = mmap != null && munmap != null && madvise != null;
        MMAP = all ? mmap : null;
        MUNMAP = all ? munmap : null;
        MADVISE = all ? madvise : null;
    }

    private HugePages() {
    }

    /**
     * Whether {@link #allocate} can map huge pages in this JVM: Linux, native access granted to
     * this module, and mmap / madvise found (the {@link #OPT_OUT} property is read per call).
     */
    public static boolean available() {
        return MMAP != null;
    }

    /**
     * A zero-filled {@code rows x cols} matrix that owns its memory, on huge pages where they are
     * available (2 MB aligned), else from {@link FloatMatrix#allocate}.
     */
    public static FloatMatrix allocate(long rows, int cols) {
        long bytes = Math.multiplyExact(Math.multiplyExact(rows, (long) cols), Float.BYTES);
        if (MMAP == null || bytes < MIN_BYTES || Boolean.getBoolean(OPT_OUT)) return FloatMatrix.allocate(rows, cols);
        long length = bytes + HUGE; // room to start on a 2 MB boundary
        MemorySegment raw;
        try {
            raw = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS,
                    -1, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap of " + length + " bytes", t);
        }
        if (raw.address() == -1L) return FloatMatrix.allocate(rows, cols); // MAP_FAILED: let the JDK try (and report)
        Arena arena = Arena.ofShared();
        MemorySegment mapped = raw.reinterpret(length, arena, HugePages::unmap);
        long skip = ((raw.address() + HUGE - 1) & -HUGE) - raw.address();
        MemorySegment aligned = mapped.asSlice(skip, bytes);
        try {
            // Ignored if refused (THP "never", an old kernel): the memory is still fine, on 4 KB pages.
            int ignored = (int) MADVISE.invokeExact(aligned, bytes, MADV_HUGEPAGE);
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException("madvise(MADV_HUGEPAGE) on " + bytes + " bytes", t);
        }
        return FloatMatrix.adopt(aligned, rows, cols, arena);
    }

    private static void unmap(MemorySegment mapping) {
        try {
            int ignored = (int) MUNMAP.invokeExact(mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("munmap of " + mapping.byteSize() + " bytes", t);
        }
    }
}
