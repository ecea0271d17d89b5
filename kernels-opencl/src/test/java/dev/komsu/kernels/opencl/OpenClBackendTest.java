package dev.komsu.kernels.opencl;

import dev.komsu.kernels.scalar.ScalarBackend;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.Resident;
import dev.komsu.kernels.ResidentMatrix;
import dev.komsu.kernels.Transfers;
import dev.komsu.kernels.VectorLists;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Program cache, resident buffers, k limit, fallback and lifecycle of the OpenCL backend. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClBackendTest {
    /** The metrics the device computes; L1 and L-infinity go to the fallback ({@link #elementwiseMetricsGoToTheFallback}). */
    private static final Metric[] DEVICE_METRICS = {Metric.L2, Metric.INNER_PRODUCT};

    private final ScalarBackend scalar = new ScalarBackend();
    private OpenClDevice device;

    @BeforeAll
    void findDevice() {
        device = OpenClTestDevices.requireDevice();
    }

    @AfterAll
    void done() {
        scalar.close();
    }

    private OpenClBackend open(OpenClOptions options) {
        return new OpenClBackend(device, new OpenClTestDevices.NoFallback(), false, options);
    }

    static FloatMatrix random(long rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FloatMatrix m = FloatMatrix.allocate(rows, cols);
        for (long i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, (float) (r.nextDouble() * 2 - 1));
        }
        return m;
    }

    /**
     * Distances within 1e-4 (relative) of the reference; labels equal wherever the reference's
     * distance is apart from its neighbours' by more than that (summation order differs, so
     * near-ties may swap), as in BackendConformanceTest.
     */
    static void assertSameIds(Neighbors expected, Neighbors actual) {
        int k = expected.k();
        for (int i = 0; i < expected.distances().length; i++) {
            float e = expected.distances()[i];
            double tol = 1e-4 * Math.max(1, Math.abs(e));
            if (Float.isInfinite(e)) {
                assertEquals(e, actual.distances()[i], "empty slot " + i);
                assertEquals(-1L, actual.labels()[i], "empty slot " + i);
                continue;
            }
            assertEquals(e, actual.distances()[i], tol, "distance " + i);
            int rank = i % k;
            boolean distinct = (rank == 0 || Math.abs(expected.distances()[i - 1] - e) > 2 * tol)
                    && (rank == k - 1 || Math.abs(expected.distances()[i + 1] - e) > 2 * tol);
            if (distinct) assertEquals(expected.labels()[i], actual.labels()[i], "label " + i);
        }
    }

    @Test
    void elementwiseMetricsGoToTheFallback() {
        try (FloatMatrix q = random(5, 12, 41); FloatMatrix base = random(700, 12, 42);
             OpenClBackend b = new OpenClBackend(device, scalar, false, OpenClOptions.defaults())) {
            for (Metric m : Metric.values()) assertEquals(!m.isElementwise(), b.computes(m), m.toString());
            for (Metric m : new Metric[] {Metric.L1, Metric.LINF}) {
                Neighbors want = scalar.knn(q, base, 9, m);
                Neighbors got = b.knn(q, base, 9, m);
                assertArrayEquals(want.labels(), got.labels(), m.toString());
                assertArrayEquals(want.distances(), got.distances(), m.toString());
            }
            assertEquals(0, b.stats().programBuilds(), "nothing ran on the device");
        }
    }

    @Test
    void programsAreBuiltOnceAndReusedAcrossSearchesOfOtherShapes() {
        try (OpenClBackend b = open(OpenClOptions.defaults());
             FloatMatrix q = random(5, 16, 1); FloatMatrix base = random(300, 16, 2);
             FloatMatrix q2 = random(9, 40, 3); FloatMatrix base2 = random(123, 40, 4)) {
            b.knn(q, base, 3, Metric.L2);
            int builds = b.stats().programBuilds();
            assertTrue(builds > 0);
            for (Metric m : DEVICE_METRICS) {
                assertSameIds(scalar.knn(q, base, 7, m), b.knn(q, base, 7, m));
                assertSameIds(scalar.knn(q2, base2, 2, m), b.knn(q2, base2, 2, m));
            }
            assertEquals(builds, b.stats().programBuilds(), "no rebuild for another k, d, nq or metric");
        }
    }

    @Test
    void aPreparedBaseIsUploadedOnceAndReusedAcrossQueryBatches() {
        try (OpenClBackend b = open(OpenClOptions.defaults());
             FloatMatrix base = random(700, 24, 5); ResidentMatrix resident = b.prepare(base, null)) {
            for (int batch = 0; batch < 3; batch++) {
                try (FloatMatrix q = random(11 + batch, 24, 10 + batch)) {
                    assertSameIds(scalar.knn(q, base, 5, Metric.L2), b.knn(q, resident, 5, Metric.L2));
                }
            }
            assertEquals(1, b.stats().residentUploads());
            try (FloatMatrix other = random(700, 24, 6); FloatMatrix q = random(4, 24, 7);
                 ResidentMatrix otherResident = b.prepare(other, null)) {
                assertSameIds(scalar.knn(q, other, 5, Metric.L2), b.knn(q, otherResident, 5, Metric.L2));
            }
            assertEquals(2, b.stats().residentUploads(), "another base is another upload");
        }
    }

    @Test
    void aBatchOverAPreparedBaseMovesOnlyItsQueriesInAndItsResultsOut() {
        try (OpenClBackend b = open(OpenClOptions.defaults());
             FloatMatrix base = random(500, 16, 3); ResidentMatrix resident = b.prepare(base, null);
             FloatMatrix q = random(9, 16, 4)) {
            b.knn(q, resident, 6, Metric.L2); // the upload
            Transfers before = b.transfers();
            b.knn(q, resident, 6, Metric.L2);
            Transfers batch = b.transfers().since(before);
            assertEquals(q.segment().byteSize(), batch.hostToDevice(), "queries in");
            assertEquals(9L * 6 * (Float.BYTES + Long.BYTES), batch.deviceToHost(), "distances and labels out");
        }
    }

    @Test
    void closingHandlesReleasesTheirCopiesAndTheBackendReleasesForgottenOnes() {
        ResidentMatrix forgotten;
        try (OpenClBackend b = open(OpenClOptions.defaults()); FloatMatrix q = random(3, 8, 1);
             FloatMatrix a = random(100, 8, 2); FloatMatrix c = random(100, 8, 3)) {
            try (ResidentMatrix ra = b.prepare(a, null)) {
                assertSameIds(scalar.knn(q, a, 3, Metric.L2), b.knn(q, ra, 3, Metric.L2));
                assertEquals(1, b.stats().residentHandles());
            }
            assertEquals(0, b.stats().residentHandles(), "closed handles are forgotten");
            forgotten = b.prepare(c, null);
            assertSameIds(scalar.knn(q, c, 3, Metric.L2), b.knn(q, forgotten, 3, Metric.L2));
            assertEquals(1, b.stats().residentHandles());
        }
        forgotten.close(); // after the backend released it: nothing left to do, and no failure
    }

    @Test
    void concurrentSearchesFromManyThreadsAllGetTheirOwnCorrectResults() throws Exception {
        try (OpenClBackend b = open(OpenClOptions.defaults()); FloatMatrix base = random(400, 16, 2);
             ResidentMatrix resident = b.prepare(base, null)) {
            List<FloatMatrix> queries = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) queries.add(random(5 + t, 16, 10 + t));
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
                List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (FloatMatrix q : queries) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 5; i++) {
                            Metric m = Metric.values()[i % 2];
                            assertSameIds(scalar.knn(q, base, 4, m), b.knn(q, resident, 4, m));
                        }
                    }));
                }
                for (var f : done) f.get();
            } finally {
                for (FloatMatrix q : queries) q.close();
            }
            assertEquals(1, b.stats().residentUploads());
        }
    }

    @Test
    void plainViewsAreUploadedForTheCallOnly() {
        try (OpenClBackend b = open(OpenClOptions.defaults()); FloatMatrix base = random(50, 8, 5); FloatMatrix q = random(3, 8, 6)) {
            Transfers before = b.transfers();
            b.knn(q, base, 2, Metric.L2);
            b.knn(q, base, 2, Metric.L2);
            assertEquals(2 * (base.segment().byteSize() + q.segment().byteSize()), b.transfers().since(before).hostToDevice());
            assertEquals(0, b.stats().residentUploads());
            assertEquals(0, b.stats().residentHandles());
        }
    }

    @Test
    void aFreedBaseReallocatedWithOtherValuesIsNotServedFromTheOldCopy() {
        try (OpenClBackend b = open(OpenClOptions.defaults()); FloatMatrix q = random(6, 32, 1)) {
            for (long seed = 20; seed < 23; seed++) {
                // Same size each time: the allocator may well hand back the same address.
                try (FloatMatrix base = random(400, 32, seed)) {
                    assertSameIds(scalar.knn(q, base, 4, Metric.L2), b.knn(q, base, 4, Metric.L2));
                }
            }
            assertEquals(0, b.stats().residentUploads(), "plain views are never kept");
        }
    }

    @Test
    void aBaseRewrittenInPlaceIsSearchedAsItIsNow() {
        try (OpenClBackend b = open(OpenClOptions.defaults());
             FloatMatrix q = random(6, 16, 1); FloatMatrix base = random(64, 16, 2)) {
            b.knn(q, base, 4, Metric.L2);
            try (FloatMatrix fresh = random(64, 16, 3)) {
                base.segment().copyFrom(fresh.segment());
            }
            assertSameIds(scalar.knn(q, base, 4, Metric.L2), b.knn(q, base, 4, Metric.L2));
        }
    }

    /** Lists with spare capacity: an append grows a list in place, as IVF adds do. */
    static final class GrowableLists implements VectorLists, AutoCloseable {
        final Arena arena = Arena.ofShared();
        final int d;
        final MemorySegment[] vectors;
        final MemorySegment[] ids;
        final long[] sizes;
        final SplittableRandom random = new SplittableRandom(99);
        long nextId = 5000;

        GrowableLists(int nlist, int d, int capacity) {
            this.d = d;
            vectors = new MemorySegment[nlist];
            ids = new MemorySegment[nlist];
            sizes = new long[nlist];
            for (int l = 0; l < nlist; l++) {
                vectors[l] = arena.allocate((long) capacity * d * 4);
                ids[l] = arena.allocate(capacity * 8L);
            }
        }

        void append(int list, int count) {
            for (int i = 0; i < count; i++) {
                long row = sizes[list]++;
                for (int j = 0; j < d; j++) {
                    vectors[list].setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, row * d + j, (float) (random.nextDouble() * 2 - 1));
                }
                ids[list].setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, row, nextId--);
            }
        }

        @Override
        public int listCount() {
            return sizes.length;
        }

        @Override
        public int dim() {
            return d;
        }

        @Override
        public long size(int list) {
            return sizes[list];
        }

        @Override
        public MemorySegment vectors(int list) {
            return vectors[list].asSlice(0, sizes[list] * d * 4);
        }

        @Override
        public MemorySegment ids(int list) {
            return ids[list].asSlice(0, sizes[list] * 8);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    @Test
    void preparedListsAreReusedAcrossBatchesAndAnAddIsSearchedOnceTheyArePreparedAgain() {
        try (OpenClBackend b = open(OpenClOptions.defaults());
             GrowableLists lists = new GrowableLists(6, 20, 100); FloatMatrix q = random(8, 20, 3)) {
            for (int l = 0; l < 6; l++) lists.append(l, 10 + 7 * l);
            int[] probes = new int[8 * 3];
            for (int i = 0; i < probes.length; i++) probes[i] = (i * 5) % 6;
            try (Resident<VectorLists> resident = b.prepare(lists)) {
                for (int batch = 0; batch < 3; batch++) {
                    assertSameIds(scalar.scanLists(q, lists, probes, 3, 6, Metric.INNER_PRODUCT),
                            b.scanLists(q, resident, probes, 3, 6, Metric.INNER_PRODUCT));
                }
            }
            assertEquals(1, b.stats().residentUploads());
            lists.append(2, 30);
            // the owner of the lists prepares them again after it changed them (an index does on add)
            try (Resident<VectorLists> resident = b.prepare(lists)) {
                assertSameIds(scalar.scanLists(q, lists, probes, 3, 6, Metric.INNER_PRODUCT),
                        b.scanLists(q, resident, probes, 3, 6, Metric.INNER_PRODUCT));
            }
            assertEquals(2, b.stats().residentUploads(), "the added rows must be searched");
        }
    }

    @Test
    void kUpTo1024RunsOnTheDeviceInBothKernelShapes() {
        try (FloatMatrix q = random(3, 8, 1); FloatMatrix base = random(1500, 8, 2)) {
            for (OpenClOptions.Shape shape : List.of(OpenClOptions.Shape.PER_ITEM, OpenClOptions.Shape.WORK_GROUP)) {
                try (OpenClBackend b = open(OpenClOptions.defaults().withShape(shape))) {
                    for (Metric m : DEVICE_METRICS) assertSameIds(scalar.knn(q, base, 1024, m), b.knn(q, base, 1024, m));
                    assertEquals(0, b.stats().fallbacks(), shape.toString());
                }
            }
        }
    }

    @Test
    void kAboveTheDeviceLimitIsServedByTheCpuWithTheSameResults() {
        try (OpenClBackend b = new OpenClBackend(device, new ScalarBackend(), true, OpenClOptions.defaults().withMaxDeviceK(4));
             FloatMatrix q = random(5, 12, 1); FloatMatrix base = random(200, 12, 2)) {
            assertSameIds(scalar.knn(q, base, 10, Metric.L2), b.knn(q, base, 10, Metric.L2));
            assertSameIds(scalar.knn(q, base, 4, Metric.L2), b.knn(q, base, 4, Metric.L2));
            assertEquals(1, b.stats().fallbacks(), "only k=10 went to the CPU");
            assertFalse(b.stats().deviceFailed());
        }
    }

    @Test
    void aDeviceFailureFallsBackToTheCpuWithIdenticalResults() {
        try (OpenClBackend b = new OpenClBackend(device, new ScalarBackend(), true, OpenClOptions.defaults());
             FloatMatrix q = random(7, 20, 1); FloatMatrix base = random(300, 20, 2)) {
            b.failNextSearch(new OpenClException("simulated CL_OUT_OF_RESOURCES"));
            Neighbors afterFailure = b.knn(q, base, 6, Metric.L2);
            Neighbors expected = scalar.knn(q, base, 6, Metric.L2);
            assertArrayEquals(expected.labels(), afterFailure.labels());
            assertArrayEquals(expected.distances(), afterFailure.distances());
            assertTrue(b.stats().deviceFailed());
            Neighbors later = b.knn(q, base, 6, Metric.INNER_PRODUCT);
            assertArrayEquals(scalar.knn(q, base, 6, Metric.INNER_PRODUCT).labels(), later.labels());
            assertEquals(2, b.stats().fallbacks());
        }
    }

    @Test
    void aFailedBuildReportsTheCompilerLog() {
        try (ClRuntime rt = new ClRuntime(device)) {
            OpenClException e = assertThrows(OpenClException.class, () -> rt.kernel(List.of("broken.cl"), "", "broken"));
            assertTrue(e.getMessage().contains("build log") && e.getMessage().contains("undeclared_identifier_for_test"),
                    e.getMessage());
        }
    }

    @Test
    void aClosedBackendRejectsSearches() {
        OpenClBackend b = open(OpenClOptions.defaults());
        b.close();
        b.close(); // idempotent
        try (FloatMatrix q = random(1, 4, 1); FloatMatrix base = random(3, 4, 2)) {
            assertThrows(IllegalStateException.class, () -> b.knn(q, base, 1, Metric.L2));
        }
    }
}
