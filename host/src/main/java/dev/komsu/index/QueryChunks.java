package dev.komsu.index;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.Neighbors;

/**
 * Splitting a search batch into chunks of queries for the backend's batched operations
 * ({@code pqLists()}, {@code fastScanLists()}, {@code refiner()}), so a batch's tables and
 * intermediate results take bounded memory whatever its size, plus the per-chunk slices of a
 * coarse result those operations take (probes as list numbers, coarse distances as biases).
 */
final class QueryChunks {
    private QueryChunks() {
    }

    /** The work on queries {@code [from, from + count)}; it writes only those queries' results. */
    @FunctionalInterface
    interface Body {
        void run(int from, int count);
    }

    /**
     * Queries per chunk when each query needs {@code bytesPerQuery} bytes of scratch and a chunk
     * may use {@code budget} bytes: at least 1, at most {@code nq} (and at least 1 for nq 0).
     */
    static int size(int nq, long bytesPerQuery, long budget) {
        long n = budget / Math.max(1, bytesPerQuery);
        return (int) Math.max(1, Math.min(Math.max(nq, 1), n));
    }

    /** Runs the chunks one after the other: for operations that are parallel inside. */
    static void sequential(int nq, int chunk, Body body) {
        for (int from = 0; from < nq; from += chunk) body.run(from, Math.min(chunk, nq - from));
    }

    /** Runs the chunks in parallel on the backend's threads: for operations that run on the caller's thread. */
    static void parallel(ComputeBackend backend, int nq, int chunk, Body body) {
        int chunks = (nq + chunk - 1) / chunk;
        backend.forEachQuery(chunks, c -> {
            int from = c * chunk;
            body.run(from, Math.min(chunk, nq - from));
        });
    }

    /** The probed lists of queries {@code [from, from + count)} of a coarse result (labels are list numbers, -1 none). */
    static int[] probes(Neighbors coarse, int from, int count) {
        int nprobe = coarse.k();
        long[] labels = coarse.labels();
        int[] out = new int[count * nprobe];
        for (int i = 0; i < out.length; i++) out[i] = (int) labels[from * nprobe + i];
        return out;
    }

    /** The coarse distances of queries {@code [from, from + count)}, one per probe. */
    static float[] coarseDistances(Neighbors coarse, int from, int count) {
        int nprobe = coarse.k();
        return java.util.Arrays.copyOfRange(coarse.distances(), from * nprobe, (from + count) * nprobe);
    }

    /** Copies a chunk's result (queries {@code [from, from + part.nq())}) into the whole batch's. */
    static void copyInto(Neighbors part, Neighbors out, int from) {
        int k = out.k();
        System.arraycopy(part.distances(), 0, out.distances(), from * k, part.nq() * k);
        System.arraycopy(part.labels(), 0, out.labels(), from * k, part.nq() * k);
    }
}
