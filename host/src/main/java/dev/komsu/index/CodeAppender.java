package dev.komsu.index;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * The encode-and-append step of an add: rows are encoded a chunk at a time (the codec may use
 * the backend's threads for a chunk) and each code goes to the end of its list, in input order,
 * as faiss adds. The chunk bounds the scratch codes, whatever the number of rows added.
 */
final class CodeAppender {
    /** Scratch bytes of codes per chunk. */
    static final long CHUNK_BYTES = 16L << 20;

    private CodeAppender() {
    }

    /** Appends row i of {@code xs} to list {@code lists[i]} with id {@code idOf(i)}. */
    static void append(IvfCodec codec, FloatMatrix xs, int[] lists, LongUnaryOperator idOf, FloatMatrix centroids,
                       ComputeBackend backend, InvertedLists store) {
        int codeSize = codec.codeSize();
        int chunk = (int) Math.max(1, Math.min(lists.length, CHUNK_BYTES / codeSize));
        long[] counts = new long[store.nlist()];
        for (int list : lists) counts[list]++;
        store.reserve(counts);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate((long) chunk * codeSize);
            for (int from = 0; from < lists.length; from += chunk) {
                int[] part = Arrays.copyOfRange(lists, from, Math.min(lists.length, from + chunk));
                codec.encodeAll(xs, from, part, centroids, backend, codes);
                for (int i = 0; i < part.length; i++) {
                    store.append(part[i], idOf.applyAsLong(from + i), codes, (long) i * codeSize);
                }
            }
        }
    }
}
