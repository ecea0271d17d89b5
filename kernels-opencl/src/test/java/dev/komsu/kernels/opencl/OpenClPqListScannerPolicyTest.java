package dev.komsu.kernels.opencl;

import dev.komsu.kernels.scalar.CpuPqListScanner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.CodeLists;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import dev.komsu.kernels.PqListScanner;
import dev.komsu.kernels.QuantizedScanConformanceTest.TestCodeLists;
import dev.komsu.kernels.Resident;
import dev.komsu.kernels.Transfers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Residency, the k limit, device failure, concurrency and lifecycle of the OpenCL PQ/SQ8 scanner. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClPqListScannerPolicyTest {
    private static final long[] SIZES = {40, 0, 17, 90, 3, 60};
    private static final int M = 6;
    private static final int TABLE = M * 256;

    private final PqListScanner reference = new CpuPqListScanner(new ScalarPqBackend());
    private OpenClDevice device;

    @BeforeAll
    void findDevice() {
        device = OpenClTestDevices.requireDevice();
    }

    private Neighbors scan(PqListScanner s, TestCodeLists lists, FloatMatrix tables, float[] listTables, int[] probes,
                           int k) {
        return s.scanPq(lists, M, 8, tables, listTables, -2f, probes, null, 2, k, Metric.L2);
    }

    @Test
    void preparedListsCodebookAndListTablesStayResidentAndABatchMovesOnlyQueriesProbesAndBiasesInAndResultsOut() {
        int dsub = 4;
        try (OpenClBackend b = new OpenClBackend(device, new OpenClTestDevices.NoFallback(), false,
                OpenClOptions.defaults());
             TestCodeLists lists = new TestCodeLists(M, SIZES, 256, 1);
             FloatMatrix queries = OpenClPqListScannerTest.randomMatrix(4, M * dsub, 2);
             Resident<CodeLists> residentLists = b.prepare((CodeLists) lists)) {
            float[] centroidsT = OpenClPqListScannerTest.randomFloats(M * 256 * dsub, 6);
            float[] listTables = OpenClPqListScannerTest.randomFloats(SIZES.length * TABLE, 3);
            int[] probes = {0, 2, 3, 5, -1, 4, 1, 0};
            float[] biases = OpenClPqListScannerTest.randomFloats(probes.length, 7);
            try (Resident<float[]> codebook = b.prepare(centroidsT); Resident<float[]> tables = b.prepare(listTables)) {
                for (int batch = 0; batch < 3; batch++) {
                    Transfers before = b.transfers();
                    Neighbors got = b.pqLists().searchPq(residentLists, queries, codebook, M, 8, dsub,
                            Metric.INNER_PRODUCT, tables, -2f, probes, biases, 2, 5, Metric.L2);
                    Transfers moved = b.transfers().since(before);
                    OpenClPqListScannerTest.assertSameResults(reference.searchPq(Resident.onHost(lists), queries,
                            Resident.onHost(centroidsT), M, 8, dsub, Metric.INNER_PRODUCT, Resident.onHost(listTables),
                            -2f, probes, biases, 2, 5, Metric.L2), got, "batch " + batch);
                    if (batch > 0) {
                        assertEquals(queries.segment().byteSize() + (long) probes.length * (Integer.BYTES + Float.BYTES),
                                moved.hostToDevice(), "queries, probes and biases in; tables built on the device");
                        assertEquals(4L * 5 * (Float.BYTES + Long.BYTES), moved.deviceToHost(), "results out");
                    }
                }
                assertEquals(3, b.stats().residentUploads(), "code lists, codebook and list tables, once each");
            }
            assertEquals(0, b.stats().fallbacks());
        }
    }

    @Test
    void kAboveTheDeviceLimitIsAnsweredOnTheCpuWithTheSameResults() {
        try (OpenClBackend b = new OpenClBackend(device, new ScalarPqBackend(), true,
                OpenClOptions.defaults().withMaxDeviceK(4));
             TestCodeLists lists = new TestCodeLists(M, SIZES, 256, 4);
             FloatMatrix tables = OpenClPqListScannerTest.randomMatrix(2, TABLE, 5)) {
            int[] probes = {0, 3, 2, 5};
            OpenClPqListScannerTest.assertSameResults(scan(reference, lists, tables, null, probes, 9),
                    scan(b.pqLists(), lists, tables, null, probes, 9), "k=9");
            OpenClPqListScannerTest.assertSameResults(scan(reference, lists, tables, null, probes, 4),
                    scan(b.pqLists(), lists, tables, null, probes, 4), "k=4");
            assertEquals(1, b.stats().fallbacks(), "only k=9 went to the CPU");
            assertFalse(b.stats().deviceFailed());
        }
    }

    @Test
    void aDeviceFailureIsAnsweredOnTheCpuAndLaterCallsStayThere() {
        ScalarPqBackend cpu = new ScalarPqBackend();
        try (OpenClBackend b = new OpenClBackend(device, cpu, true, OpenClOptions.defaults());
             TestCodeLists lists = new TestCodeLists(12, SIZES, 256, 6);
             FloatMatrix queries = OpenClPqListScannerTest.randomMatrix(3, 12, 7)) {
            float[] ones = new float[12];
            java.util.Arrays.fill(ones, 1f);
            int[] probes = {0, 3, 5, 2, 3, 4};
            b.failNextSearch(new OpenClException("simulated CL_OUT_OF_RESOURCES"));
            Neighbors expected = reference.scanSq8(lists, queries, null, ones, ones, probes, null, 2, 4, Metric.L2);
            OpenClPqListScannerTest.assertSameResults(expected,
                    b.pqLists().scanSq8(lists, queries, null, ones, ones, probes, null, 2, 4, Metric.L2), "after failure");
            assertTrue(b.stats().deviceFailed());
            int usesAfterFailure = cpu.pqUses.get();
            OpenClPqListScannerTest.assertSameResults(expected,
                    b.pqLists().scanSq8(lists, queries, null, ones, ones, probes, null, 2, 4, Metric.L2), "later");
            assertTrue(cpu.pqUses.get() > usesAfterFailure, "the later call ran on the CPU kernels");
            assertEquals(2, b.stats().fallbacks());
        }
    }

    @Test
    void concurrentScansFromManyThreadsAllGetTheirOwnExactResults() throws Exception {
        try (OpenClBackend b = new OpenClBackend(device, new OpenClTestDevices.NoFallback(), false, OpenClOptions.defaults());
             TestCodeLists lists = new TestCodeLists(M, SIZES, 256, 8)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    final int seed = t;
                    done.add(pool.submit(() -> {
                        try (FloatMatrix tables = OpenClPqListScannerTest.randomMatrix(3, TABLE, 100 + seed)) {
                            int[] probes = OpenClPqListScannerTest.probes(3, 2, SIZES.length, 200 + seed);
                            OpenClPqListScannerTest.assertSameResults(scan(reference, lists, tables, null, probes, 6),
                                    scan(b.pqLists(), lists, tables, null, probes, 6), "thread " + seed);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get();
            } finally {
                pool.shutdownNow();
            }
            assertEquals(0, b.stats().fallbacks());
        }
    }

    @Test
    void aClosedBackendRejectsScans() {
        OpenClBackend b = new OpenClBackend(device, new OpenClTestDevices.NoFallback(), false, OpenClOptions.defaults());
        PqListScanner s = b.pqLists();
        b.close();
        try (TestCodeLists lists = new TestCodeLists(M, SIZES, 256, 9);
             FloatMatrix tables = OpenClPqListScannerTest.randomMatrix(1, TABLE, 10)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> scan(s, lists, tables, null, new int[] {0, 1}, 3));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }
}
