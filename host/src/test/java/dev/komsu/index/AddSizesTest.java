package dev.komsu.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.SearchParams;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import org.junit.jupiter.api.Test;

/**
 * Sizes past 2^31: IVF FastScan's precomputed table used {@code Math.toIntExact(nlist * M * ksub)}
 * with no fallback. The arithmetic at the boundaries, the per-list path against the precomputed
 * one, and FastScan adds in many small batches (appends into partly filled blocks) against one.
 */
class AddSizesTest {
    private static final int D = 16;

    /** Random sizes spread over every magnitude, plus the boundaries themselves. */
    private static long[] sizes(long seed, long max) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        long[] out = new long[2000];
        long[] edges = {1, 2, 15, 16, 17, (1L << 31) - 9, (1L << 31) - 8, 1L << 31, (1L << 31) + 1, 1L << 32, max - 1, max};
        for (int i = 0; i < out.length; i++) {
            if (i < edges.length) {
                out[i] = Math.min(max, edges[i]);
            } else {
                int bits = 1 + r.nextInt(63 - Long.numberOfLeadingZeros(max)); // a magnitude, then a value in it
                out[i] = r.nextLong(1L << (bits - 1), 1L << bits);
            }
        }
        return out;
    }

    @Test
    void precomputedTablesFitOnlyWhenTheirBytesDo() {
        long[] nlists = sizes(3, Long.MAX_VALUE);
        long[] ms = sizes(4, 1 << 16);
        for (int i = 0; i < nlists.length; i++) {
            long nlist = nlists[i];
            long m = ms[i];
            boolean fits = ResidualTables.fitsPrecomputed(nlist, m, 16, PqCodec.PRECOMPUTED_TABLE_MAX_BYTES);
            boolean expected = java.math.BigInteger.valueOf(nlist).multiply(java.math.BigInteger.valueOf(m * 16 * 4))
                    .compareTo(java.math.BigInteger.valueOf(PqCodec.PRECOMPUTED_TABLE_MAX_BYTES)) <= 0;
            assertEquals(expected, fits, nlist + " lists, M=" + m);
        }
    }

    @Test
    void precomputedTableBoundary() {
        long max = PqCodec.PRECOMPUTED_TABLE_MAX_BYTES; // 2 GiB = 2^29 floats
        assertTrue(ResidualTables.fitsPrecomputed(1L << 20, 32, 16, max));   // 2^20 lists * 2 KiB = 2 GiB
        assertFalse(ResidualTables.fitsPrecomputed((1L << 20) + 1, 32, 16, max));
        assertFalse(ResidualTables.fitsPrecomputed(1L << 62, 32, 16, Long.MAX_VALUE)); // the product overflows
        assertFalse(ResidualTables.fitsPrecomputed(1L << 30, 1, 16, Long.MAX_VALUE)); // > a Java array
    }

    @Test
    void fastScanAddsInManyBatchesEqualOneAdd() {
        try (FloatMatrix xs = TestVectors.clustered(3000, D, 1); FloatMatrix qs = TestVectors.clustered(30, D, 2);
             FlatCodesIndex one = FastScanIndexes.flat(D, 8, Metric.L2, Backends.defaultCpu());
             FlatCodesIndex batched = FastScanIndexes.flat(D, 8, Metric.L2, Backends.defaultCpu());
             IvfIndex ivfOne = FastScanIndexes.ivf(D, 8, 8, Metric.L2, true, Backends.defaultCpu());
             IvfIndex ivfBatched = FastScanIndexes.ivf(D, 8, 8, Metric.L2, true, Backends.defaultCpu())) {
            one.train(xs);
            batched.train(xs);
            ivfOne.train(xs);
            ivfBatched.train(xs);
            one.add(xs);
            ivfOne.add(xs);
            for (long from = 0; from < xs.rows(); from += 7) { // many batches, a short last one
                batched.add(xs.rowRange(from, Math.min(7, xs.rows() - from)));
                ivfBatched.add(xs.rowRange(from, Math.min(7, xs.rows() - from)));
            }
            assertEquals(one.ntotal(), batched.ntotal());
            assertEquals(-1L, one.codes().codes(0).mismatch(batched.codes().codes(0)), "flat codes");
            assertSameResults(one.search(qs, 10, SearchParams.DEFAULTS), batched.search(qs, 10, SearchParams.DEFAULTS));
            SearchParams p = SearchParams.builder().nprobe(3).build();
            assertSameResults(ivfOne.search(qs, 10, p), ivfBatched.search(qs, 10, p));
            for (int l = 0; l < 8; l++) {
                assertEquals(-1L, ivfOne.invertedLists().codes(l).mismatch(ivfBatched.invertedLists().codes(l)), "codes of list " + l);
                assertEquals(-1L, ivfOne.invertedLists().ids(l).mismatch(ivfBatched.invertedLists().ids(l)), "ids of list " + l);
            }
        }
    }

    @Test
    void perListResidualTablesGiveTheSameResultsAsThePrecomputedOne() {
        try (FloatMatrix xs = TestVectors.clustered(3000, D, 3); FloatMatrix qs = TestVectors.clustered(30, D, 4);
             IvfIndex index = FastScanIndexes.ivf(D, 16, 8, Metric.L2, true, Backends.defaultCpu())) {
            index.train(xs);
            index.add(xs);
            FastScanCodec codec = FastScanIndexes.codec(index);
            SearchParams p = SearchParams.builder().nprobe(5).build();
            Neighbors precomputed = index.search(qs, 10, p);
            assertTrue(codec.usesPrecomputedTable());
            codec.setPrecomputedTableMaxBytes(0); // as if nlist * M * 16 floats exceeded 2 GiB
            Neighbors perList = index.search(qs, 10, p);
            assertFalse(codec.usesPrecomputedTable());
            assertSameResults(precomputed, perList);
        }
    }

    private static void assertSameResults(Neighbors a, Neighbors b) {
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.distances(), b.distances());
    }
}
