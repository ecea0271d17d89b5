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
 * Issue 14, sizes past 2^31: FastScan adds built {@code new byte[n * codeSize]} with an int
 * product (overflowing at 134M PQ32x4fs vectors) and IVF FastScan's precomputed table used
 * {@code Math.toIntExact(nlist * M * ksub)} with no fallback. The arithmetic at the boundaries,
 * and the chunked and per-list paths against the single-chunk and precomputed ones.
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
    void chunkRowsKeepTheScratchInIntRangeAndWithinBudget() {
        long[] perRow = sizes(1, Long.MAX_VALUE);
        long[] budgets = sizes(2, 1L << 40);
        for (int i = 0; i < perRow.length; i++) {
            long bytesPerRow = perRow[i];
            long budget = budgets[i];
            int rows = AddChunks.rows(bytesPerRow, budget);
            assertTrue(rows >= 1 && rows <= Integer.MAX_VALUE - 8);
            long bytes = Math.multiplyExact((long) rows, bytesPerRow); // never overflows a long
            assertTrue(bytes <= Math.max(budget, bytesPerRow), rows + " rows of " + bytesPerRow + " bytes");
            if (rows < Integer.MAX_VALUE - 8) {
                assertTrue(rows == 1 || (rows + 1) * bytesPerRow > budget, "as many rows as the budget allows");
            }
        }
    }

    @Test
    void chunkRowsAtTheBoundaries() {
        assertEquals(4 << 20, AddChunks.rows(16));                       // PQ32x4fs: 16-byte codes, 64 MiB
        assertEquals(1, AddChunks.rows(AddChunks.BYTES + 1));              // a code larger than the budget
        assertEquals(Integer.MAX_VALUE - 8, AddChunks.rows(1, Long.MAX_VALUE));
        // the old product: 134,217,728 PQ32x4fs codes * 16 bytes wraps an int to a negative array size
        assertEquals(Integer.MIN_VALUE, 134_217_728 * 16);
        assertTrue((long) AddChunks.rows(16) * 16 <= Integer.MAX_VALUE);
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
    void chunkedFastScanAddsEqualOneChunk() {
        try (FloatMatrix xs = TestVectors.clustered(3000, D, 1); FloatMatrix qs = TestVectors.clustered(30, D, 2);
             PqFastScanIndex one = new PqFastScanIndex(D, 8, Metric.L2, Backends.defaultCpu());
             PqFastScanIndex chunked = new PqFastScanIndex(D, 8, Metric.L2, Backends.defaultCpu());
             IvfFastScanIndex ivfOne = new IvfFastScanIndex(D, 8, 8, Metric.L2, true, Backends.defaultCpu());
             IvfFastScanIndex ivfChunked = new IvfFastScanIndex(D, 8, 8, Metric.L2, true, Backends.defaultCpu())) {
            one.train(xs);
            chunked.train(xs);
            ivfOne.train(xs);
            ivfChunked.train(xs);
            chunked.addChunkBytes = 4 * 7 + 3; // 7 rows of 4-byte codes per chunk: many chunks, a short last one
            ivfChunked.addChunkBytes = 4 * 7 + 3;
            one.add(xs);
            chunked.add(xs);
            ivfOne.add(xs);
            ivfChunked.add(xs);
            assertEquals(one.ntotal(), chunked.ntotal());
            assertSameResults(one.search(qs, 10, SearchParams.DEFAULTS), chunked.search(qs, 10, SearchParams.DEFAULTS));
            SearchParams p = SearchParams.builder().nprobe(3).build();
            assertSameResults(ivfOne.search(qs, 10, p), ivfChunked.search(qs, 10, p));
            for (int l = 0; l < 8; l++) {
                assertEquals(-1L, ivfOne.invertedLists().codes(l).mismatch(ivfChunked.invertedLists().codes(l)), "codes of list " + l);
                assertEquals(-1L, ivfOne.invertedLists().ids(l).mismatch(ivfChunked.invertedLists().ids(l)), "ids of list " + l);
            }
        }
    }

    @Test
    void perListResidualTablesGiveTheSameResultsAsThePrecomputedOne() {
        try (FloatMatrix xs = TestVectors.clustered(3000, D, 3); FloatMatrix qs = TestVectors.clustered(30, D, 4);
             IvfFastScanIndex index = new IvfFastScanIndex(D, 16, 8, Metric.L2, true, Backends.defaultCpu())) {
            index.train(xs);
            index.add(xs);
            assertTrue(index.usesPrecomputedTable());
            SearchParams p = SearchParams.builder().nprobe(5).build();
            Neighbors precomputed = index.search(qs, 10, p);
            index.setPrecomputedTableMaxBytes(0); // as if nlist * M * 16 floats exceeded 2 GiB
            assertFalse(index.usesPrecomputedTable());
            assertSameResults(precomputed, index.search(qs, 10, p));
        }
    }

    private static void assertSameResults(Neighbors a, Neighbors b) {
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.distances(), b.distances());
    }
}
