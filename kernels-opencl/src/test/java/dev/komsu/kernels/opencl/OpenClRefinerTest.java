package dev.komsu.kernels.opencl;

import dev.komsu.kernels.scalar.ScalarBackend;
import dev.komsu.kernels.scalar.ScalarPqKernels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqKernels;
import dev.komsu.kernels.Refiner;
import dev.komsu.kernels.VectorLists;
import dev.komsu.kernels.cpu.CpuBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The OpenCL refine step against the CPU form of its fallback: distances bit-identical (the
 * device sums as the fallback's gatherDistances does, Vector API lanes or the scalar loop) and
 * labels identical, ties to the smaller row, for both kernel shapes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClRefinerTest {
    private static final OpenClOptions WORK_GROUP = OpenClOptions.defaults().withShape(OpenClOptions.Shape.WORK_GROUP)
            .withWorkGroupSizes(64, 32);
    private static final OpenClOptions PER_ITEM = OpenClOptions.defaults().withShape(OpenClOptions.Shape.PER_ITEM);
    private OpenClDevice device;
    private CpuBackend cpu;
    private OpenClBackend workGroup;
    private OpenClBackend perItem;

    @BeforeAll
    void open() {
        device = OpenClTestDevices.requireDevice();
        cpu = new CpuBackend(1);
        workGroup = new OpenClBackend(device, cpu, false, WORK_GROUP);
        perItem = new OpenClBackend(device, cpu, false, PER_ITEM);
    }

    @AfterAll
    void close() {
        workGroup.close();
        perItem.close();
        cpu.close();
    }

    private OpenClBackend backend(OpenClOptions.Shape shape) {
        return shape == OpenClOptions.Shape.WORK_GROUP ? workGroup : perItem;
    }

    static long[] candidates(int nq, int kIn, long rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] c = new long[nq * kIn];
        for (int i = 0; i < c.length; i++) {
            int roll = r.nextInt(10);
            c[i] = roll == 0 ? -1 : roll == 1 && i > 0 ? c[i - 1] : r.nextLong(rows); // -1s and repeated rows
        }
        return c;
    }

    private static void assertSame(Neighbors expected, Neighbors actual) {
        assertArrayEquals(expected.labels(), actual.labels(), "labels");
        for (int i = 0; i < expected.distances().length; i++) {
            assertEquals(Float.floatToRawIntBits(expected.distances()[i]), Float.floatToRawIntBits(actual.distances()[i]),
                    "distance " + i + ": " + expected.distances()[i] + " vs " + actual.distances()[i]);
        }
    }

    private void assertMatchesCpu(ComputeBackend reference, OpenClBackend b, int d, int nq, int kIn, int k, Metric metric,
                                  long seed) {
        assertMatchesCpu(reference, b, b.refiner(), d, nq, kIn, k, metric, seed);
    }

    private void assertMatchesCpu(ComputeBackend reference, OpenClBackend b, Refiner refiner, int d, int nq, int kIn, int k,
                                  Metric metric, long seed) {
        try (FloatMatrix base = OpenClBackendTest.random(700, d, seed); FloatMatrix q = OpenClBackendTest.random(nq, d, seed + 1)) {
            long[] cand = candidates(nq, kIn, base.rows(), seed + 2);
            int fallbacks = b.stats().fallbacks();
            Neighbors got = refiner.refine(q, base, cand, kIn, k, metric);
            assertEquals(fallbacks, b.stats().fallbacks(), "the device answered, not the CPU");
            assertSame(reference.refiner().refine(q, base, cand, kIn, k, metric), got);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"WORK_GROUP", "PER_ITEM"})
    void distancesAndLabelsAreBitIdenticalToTheCpuFormForBothMetrics(OpenClOptions.Shape shape) {
        for (Metric metric : new Metric[] {Metric.L2, Metric.INNER_PRODUCT}) { // refine: the dense metrics only
            for (int d : new int[] {1, 15, 16, 33, 100}) {
                assertMatchesCpu(cpu, backend(shape), d, 7, 40, 8, metric, d);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"WORK_GROUP", "PER_ITEM"})
    void kAboveTheCandidatesLeavesEmptySlots(OpenClOptions.Shape shape) {
        assertMatchesCpu(cpu, backend(shape), 24, 5, 6, 20, Metric.L2, 3);
        try (FloatMatrix base = OpenClBackendTest.random(10, 4, 1); FloatMatrix q = OpenClBackendTest.random(2, 4, 2)) {
            Neighbors n = backend(shape).refiner().refine(q, base, new long[] {-1, -1, 3, -1}, 2, 3, Metric.INNER_PRODUCT);
            assertArrayEquals(new long[] {-1, -1, -1, 3, -1, -1}, n.labels());
            assertEquals(-Float.MAX_VALUE, n.distances()[0]);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"WORK_GROUP", "PER_ITEM"})
    void batchesAboveTheChunkSizeRunInChunksWithTheSameResults(OpenClOptions.Shape shape) {
        // d=33, kIn=40, k=8: 548 bytes of queries, candidates and results per query, 2 per chunk
        Refiner chunked = new OpenClRefiner(backend(shape), shape == OpenClOptions.Shape.WORK_GROUP ? WORK_GROUP : PER_ITEM,
                shape == OpenClOptions.Shape.WORK_GROUP, cpu.pq().gatherSummation(), cpu.refiner(), 1200);
        assertMatchesCpu(cpu, backend(shape), chunked, 33, 7, 40, 8, Metric.INNER_PRODUCT, 44);
    }

    @Test
    void equalDistancesRankTheSmallerRowFirst() {
        try (FloatMatrix base = FloatMatrix.of(new float[] {1, 0, 0, 1, 1, 0, 0, 1, 1, 0}, 5, 2);
             FloatMatrix q = FloatMatrix.of(new float[] {0, 0}, 1, 2)) {
            long[] cand = {4, 2, 3, 0, 1};
            for (OpenClBackend b : new OpenClBackend[] {workGroup, perItem}) {
                Neighbors n = b.refiner().refine(q, base, cand, 5, 3, Metric.L2);
                assertArrayEquals(new long[] {0, 1, 2}, n.labels(), b.name());
            }
        }
    }

    @Test
    void theScalarLoopsSummationIsReproducedWhenTheFallbackUsesIt() {
        try (ScalarBackend scalar = new ScalarBackend();
             OpenClBackend b = new OpenClBackend(device, scalar, false, OpenClOptions.defaults().withShape(OpenClOptions.Shape.PER_ITEM))) {
            for (Metric metric : new Metric[] {Metric.L2, Metric.INNER_PRODUCT}) assertMatchesCpu(scalar, b, 37, 6, 30, 5, metric, 9);
        }
    }

    @Test
    void kAboveTheDeviceLimitIsAnsweredOnTheCpu() {
        try (OpenClBackend b = new OpenClBackend(device, cpu, false,
                OpenClOptions.defaults().withShape(OpenClOptions.Shape.PER_ITEM).withMaxDeviceK(2));
             FloatMatrix base = OpenClBackendTest.random(50, 8, 1); FloatMatrix q = OpenClBackendTest.random(3, 8, 2)) {
            long[] cand = candidates(3, 10, 50, 3);
            Neighbors got = b.refiner().refine(q, base, cand, 10, 4, Metric.L2);
            assertEquals(1, b.stats().fallbacks());
            assertSame(cpu.refiner().refine(q, base, cand, 10, 4, Metric.L2), got);
        }
    }

    @Test
    void candidateRowsOutOfRangeAreRejected() {
        try (FloatMatrix base = OpenClBackendTest.random(5, 4, 1); FloatMatrix q = OpenClBackendTest.random(1, 4, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> perItem.refiner().refine(q, base, new long[] {0, 5}, 2, 1, Metric.L2));
            assertTrue(e.getMessage().contains("candidate row 5 out of range [0, 5)"), e.getMessage());
        }
    }
}
