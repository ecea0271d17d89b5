package dev.komsu.bench;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One FastScan list past 2^31 bytes, for real (issue 14: sizes past 2^31 in the add paths): a
 * flat {@code PQ256x4fs} index (128 code bytes a vector, one list) gets 17 million 256-d vectors
 * in chunks, so its codes end past byte 2 147 483 648. The same eight probe vectors are added
 * first (ids 0-7) and last (ids past the boundary); their codes must decode to the same bits and
 * a search for each must return both copies at the same distance. Too big and slow for CI (about
 * 2.3 GB of codes, minutes of encoding): run by hand, numbers in bench/RESULTS.md.
 *
 * <p>Usage: LargeFastScanList [ROWS] (default 17 000 000; needs ~6 GB of off-heap memory)
 */
public final class LargeFastScanList {
    private static final int D = 256;
    private static final int PROBES = 8;
    private static final int CHUNK = 1 << 18;
    private static final long CODE_BYTES = D / 2; // PQ256x4fs: 256 nibbles

    private LargeFastScanList() {
    }

    public static void main(String[] args) {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 17_000_000L;
        long lastStart = rows - PROBES;
        if (lastStart * CODE_BYTES <= (1L << 31)) {
            throw new IllegalArgumentException("ROWS " + rows + " keeps the last probes below byte 2^31; need > "
                    + ((1L << 31) / CODE_BYTES + PROBES));
        }
        int threads = Runtime.getRuntime().availableProcessors();
        try (ComputeBackend backend = Backends.cpu(threads);
             Index index = IndexFactory.create(D, "PQ256x4fs", Metric.L2, backend);
             FloatMatrix probes = uniform(PROBES, 999)) {
            long t0 = System.nanoTime();
            try (FloatMatrix train = uniform(20_000, 1)) {
                index.train(train);
            }
            long t1 = System.nanoTime();
            index.add(probes);
            long chunkNo = 2;
            while (index.ntotal() < lastStart) {
                int n = (int) Math.min(CHUNK, lastStart - index.ntotal());
                try (FloatMatrix chunk = uniform(n, chunkNo++)) {
                    index.add(chunk);
                }
            }
            index.add(probes);
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "trained in %.1f s; added %d vectors in %.1f s (%.0f vectors/s); last probes at code bytes %d..%d%n",
                    (t1 - t0) / 1e9, index.ntotal(), (t2 - t1) / 1e9, index.ntotal() / ((t2 - t1) / 1e9),
                    lastStart * CODE_BYTES, rows * CODE_BYTES - 1);
            System.out.println(index.describe());
            for (int i = 0; i < PROBES; i++) {
                float[] first = index.reconstruct(i);
                float[] last = index.reconstruct(lastStart + i);
                if (!Arrays.equals(first, last)) {
                    throw new AssertionError("probe " + i + ": the copy past 2^31 bytes decodes differently");
                }
            }
            long t3 = System.nanoTime();
            Neighbors found = index.search(probes, 2, SearchParams.builder().build());
            long t4 = System.nanoTime();
            for (int i = 0; i < PROBES; i++) {
                long a = Math.min(found.label(i, 0), found.label(i, 1));
                long b = Math.max(found.label(i, 0), found.label(i, 1));
                if (a != i || b != lastStart + i || found.distance(i, 0) != found.distance(i, 1)) {
                    throw new AssertionError("probe " + i + ": found " + a + ", " + b + " at " + found.distance(i, 0)
                            + ", " + found.distance(i, 1) + "; expected " + i + " and " + (lastStart + i) + " at one distance");
                }
            }
            System.out.printf(Locale.ROOT, "ok: %d probes decode the same before and past byte 2^31, and a search over all %d codes (%.1f s for %d queries) finds both copies of each%n",
                    PROBES, index.ntotal(), (t4 - t3) / 1e9, PROBES);
        }
    }

    private static FloatMatrix uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] data = new float[n * D];
        for (int i = 0; i < data.length; i++) data[i] = r.nextFloat();
        return FloatMatrix.of(data, n, D);
    }
}
