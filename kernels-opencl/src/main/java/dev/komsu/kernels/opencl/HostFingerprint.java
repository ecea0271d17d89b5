package dev.komsu.kernels.opencl;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Identifies host memory that was uploaded to a device, so a later search over the same memory
 * reuses the device copy. Identity is the memory's scope (a freed arena never matches again,
 * even when the allocator hands out the same address), address and size, plus a sample of its
 * values: reallocation, growth by {@code add} (sizes change) and rewrites that touch a sampled
 * value are all detected. A rewrite in place that leaves every sampled value unchanged is not;
 * index storage is append-only, and callers that rewrite a large base in place must call
 * {@link OpenClBackend#evictResident()}.
 */
record HostFingerprint(List<Object> scopes, long[] addresses, long[] sizes, long sample, int layout) {
    private static final int SAMPLES = 1024;

    static HostFingerprint of(MemorySegment segment, int layout) {
        return new HostFingerprint(List.of(scopeOf(segment)), new long[] {segment.address()},
                new long[] {segment.byteSize()}, sample(segment, SAMPLES, 0L), layout);
    }

    static HostFingerprint of(MemorySegment[] vectors, MemorySegment[] ids, int layout) {
        Object[] scopes = new Object[vectors.length * 2];
        long[] addresses = new long[vectors.length * 2];
        long[] sizes = new long[vectors.length * 2];
        long sample = 0;
        int perList = Math.max(4, SAMPLES / Math.max(1, vectors.length));
        for (int l = 0; l < vectors.length; l++) {
            scopes[2 * l] = scopeOf(vectors[l]);
            scopes[2 * l + 1] = scopeOf(ids[l]);
            addresses[2 * l] = vectors[l].address();
            addresses[2 * l + 1] = ids[l].address();
            sizes[2 * l] = vectors[l].byteSize();
            sizes[2 * l + 1] = ids[l].byteSize();
            sample = sample(vectors[l], perList, sample);
            sample = sample(ids[l], 2, sample);
        }
        return new HostFingerprint(Arrays.asList(scopes), addresses, sizes, sample, layout);
    }

    // Heap segments (MemorySegment.ofArray) are identified by their array object instead.
    private static Object scopeOf(MemorySegment s) {
        return s.heapBase().isPresent() ? new Identity(s.heapBase().get()) : s.scope();
    }

    /** Reference equality for heap arrays (arrays' equals is already identity, this says so). */
    private record Identity(Object ref) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity i && i.ref == ref;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(ref);
        }
    }

    // Evenly spaced 4-byte words, always including the last one.
    private static long sample(MemorySegment s, int count, long h) {
        long words = s.byteSize() / 4;
        if (words == 0) return h * 31;
        for (int i = 0; i < count; i++) {
            long w = i == count - 1 ? words - 1 : words * i / count;
            h = h * 0x9E3779B97F4A7C15L + s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, w);
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostFingerprint f && layout == f.layout && sample == f.sample
                && Arrays.equals(addresses, f.addresses) && Arrays.equals(sizes, f.sizes) && scopes.equals(f.scopes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(addresses), Arrays.hashCode(sizes), sample, layout);
    }
}
