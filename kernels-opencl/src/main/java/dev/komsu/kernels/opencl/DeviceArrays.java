package dev.komsu.kernels.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Uploads of small host arrays (per-batch tables, probes, slot plans) and reads of results into them. */
final class DeviceArrays {
    private DeviceArrays() {
    }

    static ClBuffer upload(ClRuntime rt, long[] values) {
        return upload(rt, MemorySegment.ofArray(values));
    }

    static ClBuffer upload(ClRuntime rt, int[] values) {
        return upload(rt, MemorySegment.ofArray(values));
    }

    static ClBuffer upload(ClRuntime rt, byte[] values, int from, int count) {
        return upload(rt, MemorySegment.ofArray(values).asSlice(from, count));
    }

    /**
     * A per-list table (list offsets or sizes): the first {@code nlist} entries of
     * {@code perList}, at least one entry so that a store without lists still gets a buffer.
     */
    static ClBuffer uploadPerList(ClRuntime rt, long[] perList, int nlist) {
        return upload(rt, java.util.Arrays.copyOf(perList, Math.max(1, nlist)));
    }

    static ClBuffer upload(ClRuntime rt, MemorySegment host) {
        ClBuffer b = rt.allocate(host.byteSize());
        try {
            rt.write(b, 0, host);
            return b;
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** Reads {@code count} ints from the start of {@code src} into {@code dst[at ..]}. */
    static void read(ClRuntime rt, ClBuffer src, int[] dst, int at, int count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(ValueLayout.JAVA_INT, Math.max(1, count));
            rt.read(src, 0, seg.asSlice(0, (long) count * Integer.BYTES));
            MemorySegment.copy(seg, ValueLayout.JAVA_INT, 0, dst, at, count);
        }
    }

    /** Reads {@code count} longs from the start of {@code src} into {@code dst[at ..]}. */
    static void read(ClRuntime rt, ClBuffer src, long[] dst, int at, int count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, count));
            rt.read(src, 0, seg.asSlice(0, (long) count * Long.BYTES));
            MemorySegment.copy(seg, ValueLayout.JAVA_LONG, 0, dst, at, count);
        }
    }

    /** Reads {@code count} floats from the start of {@code src} into {@code dst[at ..]}. */
    static void read(ClRuntime rt, ClBuffer src, float[] dst, int at, int count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, count));
            rt.read(src, 0, seg.asSlice(0, (long) count * Float.BYTES));
            MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT, 0, dst, at, count);
        }
    }
}
